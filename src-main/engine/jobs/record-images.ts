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

const defaultBudgetBytes = 512 * 1024 * 1024;
const decodeConcurrency = 4;

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
      const parts: Float32Array[] = new Array(records.length);
      for (let start = 0; start < records.length; start += decodeConcurrency) {
        const slice = records.slice(start, start + decodeConcurrency);
        const done = await Promise.all(slice.map((record) => tensorOf(record, spec, specKey, options.flip ?? false)));
        done.forEach((tensor, i) => (parts[start + i] = tensor));
      }
      const size = parts[0]?.length ?? 0;
      const out = new Float32Array(size * records.length);
      parts.forEach((tensor, i) => out.set(tensor, i * size));
      return out;
    },
    pixels: (record) => loader.load(record),
  };
}
