// The training script's input: every pooled record decoded and preprocessed by the engine's own code — the same
// resize, scaling and normalisation the attacks apply at inference — written as little-endian float32 in the
// target's layout. Training and scoring therefore cannot disagree about what an image looks like.
import fs from 'node:fs';
import type { RunRecord } from '../../engine/attacks/run-record';
import { createRecordImages } from '../../engine/jobs/record-images';
import type { PreprocessSpec } from '../../engine/models/preprocess-spec';

/** Records decoded per write: bounds memory for large pools (512 CIFAR-sized tensors are 6 MiB). */
const chunkSize = 512;

export async function writeTrainingTensors(records: readonly RunRecord[], spec: PreprocessSpec, file: string): Promise<void> {
  // No tensor cache: each record is read once, and the pool may be far larger than the cache budget.
  const images = createRecordImages(0);
  const handle = fs.openSync(file, 'w');
  try {
    for (let start = 0; start < records.length; start += chunkSize) {
      const tensors = await images.tensors(records.slice(start, start + chunkSize), spec);
      // Float32Array bytes are in the machine's order, little-endian on every platform Electron supports.
      fs.writeSync(handle, Buffer.from(tensors.buffer, tensors.byteOffset, tensors.byteLength));
    }
  } finally {
    fs.closeSync(handle);
  }
}
