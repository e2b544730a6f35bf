// Splits a batch into the chunks a model accepts (a fixed batch dimension, or a memory-friendly maximum).
import { fixedDim, type TensorInfo } from './onnx-session';

export const defaultMaxBatch = 128;

export function chunkSize(input: TensorInfo, maxBatch: number = defaultMaxBatch): number {
  return fixedDim(input.shape[0]) ?? maxBatch;
}

/** Runs `runChunk` over [start, end) ranges of `count` items, in order. */
export async function forEachChunk(count: number, size: number, runChunk: (start: number, end: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < count; start += size) {
    await runChunk(start, Math.min(count, start + size));
  }
}
