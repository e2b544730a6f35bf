// Decoded, preprocessed images of run records, shared by every model of a run that uses the same preprocessing.
// A run scores the same records through many models (LiRA: the target and 16 references), so tensors are kept
// while they fit a memory budget; past it they are decoded again, keeping memory flat for large datasets.
import { createPixelLoader, type DecodedPixels } from '../data/load-pixels';
import { preprocess, type PixelImage } from '../models/preprocess';
import { imageSize, type PreprocessSpec } from '../models/preprocess-spec';
import type { RunRecord } from '../attacks/run-record';
import { timeStage, timeStageAsync } from '../profiling/stage-timer';

export interface RecordImages {
  /** Preprocessed tensors of `records` in order, concatenated, for one preprocessing spec. */
  tensors(records: readonly RunRecord[], spec: PreprocessSpec, options?: { flip?: boolean }): Promise<Float32Array>;
  pixels(record: RunRecord): Promise<DecodedPixels>;
}

/**
 * 256 MiB holds all 60,000 Fashion-MNIST tensors (28×28 float32, 180 MiB), so a many-model run on them decodes
 * once; images larger than that stop filling it at 256 MiB. bench/memory-60k.ts measured peak RSS ≈ 335 MiB +
 * the cached tensors when scoring 60,000 records, so the former 512 MiB would put a 60,000-record 32×32 RGB run
 * near 860 MiB, close to the 1 GB the engine is held to.
 */
const defaultBudgetBytes = 256 * 1024 * 1024;
/**
 * Records decoded at once. Files are read on the calling thread (image-file.ts), and simple PNGs decode there too;
 * sharp's decodes (JPEG, WebP, other PNGs) run on libuv's thread pool, so several in flight keep its threads busy.
 * bench/decode.ts measured 16 in a rolling pool at about 1.3× the 4-at-a-time lockstep it replaced, when every
 * read still went through the pool.
 */
const decodeConcurrency = 16;

export function mirrorHorizontally(image: PixelImage): PixelImage {
  const { width, height, channels, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * channels;
      const to = (y * width + (width - 1 - x)) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = data[from + c]!;
    }
  }
  return { width, height, channels, data: out };
}

export function createRecordImages(budgetBytes = defaultBudgetBytes): RecordImages {
  const loader = createPixelLoader();
  /** Tensors by preprocessing (and flip), then by record id: a hit costs one lookup, not a long key string. */
  const cache = new Map<string, Map<number, Float32Array>>();
  let cachedBytes = 0;

  const tableFor = (spec: PreprocessSpec, flip: boolean): Map<number, Float32Array> => {
    const key = `${flip ? 'flip' : 'plain'}|${JSON.stringify(spec)}`;
    let table = cache.get(key);
    if (!table) cache.set(key, (table = new Map()));
    return table;
  };

  async function decodeInto(
    record: RunRecord,
    spec: PreprocessSpec,
    flip: boolean,
    table: Map<number, Float32Array>,
  ): Promise<Float32Array> {
    const pixels = await loader.load(record);
    const tensor = timeStage('preprocess', () => preprocess(flip ? mirrorHorizontally(pixels) : pixels, spec));
    if (cachedBytes + tensor.byteLength <= budgetBytes) {
      table.set(record.id, tensor);
      cachedBytes += tensor.byteLength;
    }
    return tensor;
  }

  return {
    tensors: (records, spec, options = {}) =>
      // Profiled as one stage around the whole pool (its decodes overlap); preprocessing inside is timed apart.
      timeStageAsync('decode', async () => {
        const flip = options.flip ?? false;
        const table = tableFor(spec, flip);
        const size = imageSize(spec);
        const out = new Float32Array(size * records.length);
        // Hits are copied straight into the batch; only misses go through the decode pool. After a run's first
        // pass (LiRA: 16 of its 17 passes) there are none, so no promise is made per record.
        const missing: number[] = [];
        records.forEach((record, i) => {
          const hit = table.get(record.id);
          if (hit) out.set(hit, i * size);
          else missing.push(i);
        });
        let next = 0;
        // A rolling pool: each worker takes the next missing record as soon as its last one is done.
        const worker = async (): Promise<void> => {
          while (next < missing.length) {
            const i = missing[next++]!;
            out.set(await decodeInto(records[i]!, spec, flip, table), i * size);
          }
        };
        await Promise.all(Array.from({ length: Math.min(decodeConcurrency, missing.length) }, worker));
        return out;
      }),
    pixels: (record) => loader.load(record),
  };
}
