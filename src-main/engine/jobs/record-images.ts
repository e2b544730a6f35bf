// Decoded, preprocessed images of run records, shared by every model of a run that uses the same preprocessing.
// A run scores the same records through many models (LiRA: the target and 16 references), so tensors are kept
// while they fit a memory budget; past it they are decoded again, keeping memory flat for large datasets.
import { createPixelLoader, type DecodedPixels } from '../data/load-pixels';
import { preprocess, type PixelImage } from '../models/preprocess';
import type { PreprocessSpec } from '../models/preprocess-spec';
import type { RunRecord } from '../attacks/run-record';

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
 * Records decoded at once. File reads and sharp's decoding run on libuv's thread pool, so several in flight keep
 * its threads busy (and overlap with a model run on the main thread); bench/decode.ts measured 16 in a rolling
 * pool at about 1.3× the 4-at-a-time lockstep it replaces on the 28×28 demo PNGs.
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
  const cache = new Map<string, Float32Array>();
  let cachedBytes = 0;

  async function tensorOf(record: RunRecord, spec: PreprocessSpec, specKey: string, flip: boolean): Promise<Float32Array> {
    const key = `${specKey}|${flip ? 'flip' : 'plain'}|${record.id}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const pixels = await loader.load(record);
    const tensor = preprocess(flip ? mirrorHorizontally(pixels) : pixels, spec);
    if (cachedBytes + tensor.byteLength <= budgetBytes) {
      cache.set(key, tensor);
      cachedBytes += tensor.byteLength;
    }
    return tensor;
  }

  return {
    async tensors(records, spec, options = {}) {
      const specKey = JSON.stringify(spec);
      const flip = options.flip ?? false;
      const parts: Float32Array[] = new Array(records.length);
      let next = 0;
      // A rolling pool: each worker takes the next record as soon as its last one is done.
      const worker = async (): Promise<void> => {
        while (next < records.length) {
          const i = next++;
          parts[i] = await tensorOf(records[i]!, spec, specKey, flip);
        }
      };
      await Promise.all(Array.from({ length: Math.min(decodeConcurrency, records.length) }, worker));
      const size = parts[0]?.length ?? 0;
      const out = new Float32Array(size * records.length);
      parts.forEach((tensor, i) => out.set(tensor, i * size));
      return out;
    },
    pixels: (record) => loader.load(record),
  };
}
