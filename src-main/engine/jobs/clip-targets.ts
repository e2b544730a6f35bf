// CLIP-style models as the attacks see them: records in, L2-normalised image and caption embeddings out, in chunks
// so memory stays flat, with every encoder call counted into the run's progress. Embeddings of a record's image
// and of a caption are computed once per run and reused by every phase that asks again.
import type { ClipTarget, Embeddings, ImageTransform } from '../attacks/clip/clip-target';
import type { RunRecord } from '../attacks/run-record';
import type { ClipAdapter } from '../models/clip-adapter';
import { imageSize } from '../models/preprocess-spec';
import type { CallProgress } from './call-progress';
import type { RecordImages } from './record-images';

const chunkRecords = 256;

export function clipTarget(
  name: string,
  adapter: ClipAdapter,
  images: RecordImages,
  progress: CallProgress,
  signal: AbortSignal,
): ClipTarget {
  const spec = adapter.config.preprocess;
  const size = imageSize(spec);
  const imageCache = new Map<number, Float32Array>();
  const textCache = new Map<string, Float32Array>();
  let calls = 0;
  let dimension = adapter.dimension();

  const count = (n: number, phase: string): void => {
    calls += n;
    progress.add(n, phase);
  };

  /** Embeds the records' images in order through the image encoder, optionally transforming each tensor first. */
  async function embedRecordImages(
    records: readonly RunRecord[],
    phase: string,
    transform: ImageTransform | null,
  ): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < records.length; start += chunkRecords) {
      signal.throwIfAborted();
      const chunk = records.slice(start, start + chunkRecords);
      const batch = await images.tensors(chunk, spec);
      if (transform) {
        chunk.forEach((record, i) => batch.set(transform(batch.subarray(i * size, (i + 1) * size), record, start + i), i * size));
      }
      const embedded = await adapter.embedImages(batch, chunk.length);
      dimension = adapter.dimension();
      for (let i = 0; i < chunk.length; i++) out.push(embedded.subarray(i * dimension!, (i + 1) * dimension!));
      count(chunk.length, phase);
    }
    return out;
  }

  function stack(rows: readonly Float32Array[]): Embeddings {
    const d = dimension ?? rows[0]?.length ?? 0;
    const values = new Float32Array(rows.length * d);
    rows.forEach((row, i) => values.set(row, i * d));
    return { dimension: d, values };
  }

  return {
    name,
    preprocess: spec,
    get modelCalls() {
      return calls;
    },
    async imageEmbeddings(records, options = {}) {
      const missing = uniqueBy(
        records.filter((r) => !imageCache.has(r.id)),
        (r) => r.id,
      );
      const embedded = await embedRecordImages(missing, options.phase ?? 'image embeddings', null);
      missing.forEach((record, i) => imageCache.set(record.id, embedded[i]!));
      return stack(records.map((r) => imageCache.get(r.id)!));
    },
    async textEmbeddings(records, options = {}) {
      const captions = records.map((r) => r.caption ?? '');
      const missing = [...new Set(captions.filter((c) => !textCache.has(c)))];
      for (let start = 0; start < missing.length; start += chunkRecords) {
        signal.throwIfAborted();
        const chunk = missing.slice(start, start + chunkRecords);
        const embedded = await adapter.embedTexts(chunk);
        dimension = adapter.dimension();
        chunk.forEach((caption, i) => textCache.set(caption, embedded.subarray(i * dimension!, (i + 1) * dimension!)));
        count(chunk.length, options.phase ?? 'text embeddings');
      }
      return stack(captions.map((c) => textCache.get(c)!));
    },
    async transformedImageEmbeddings(records, transform, options = {}) {
      return stack(await embedRecordImages(records, options.phase ?? 'transformed image embeddings', transform));
    },
  };
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => unknown): T[] {
  const seen = new Set<unknown>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
