// The training script's input: every pooled record decoded and preprocessed by the engine host (the same resize,
// scaling and normalisation the attacks apply at inference), written here as little-endian float32 in the target's
// layout. Training and scoring therefore cannot disagree about what an image looks like, and no engine code runs in
// the service process.
import fs from 'node:fs';
import type { RunRecord } from '../../engine/attacks/run-record';
import type { PreprocessSpec } from '../../engine/models/preprocess-spec';
import type { EngineClient } from '../../host/engine-client';
import { trainingCancelled } from '../../common/training-process';

/** Records per engine job: bounds memory on both sides for large pools (512 CIFAR-sized tensors are 6 MiB). */
const chunkSize = 512;

/** Writes the tensors of `records` to `file`; an abort stops the engine job in flight and rejects with training.cancelled. */
export async function writeTrainingTensors(
  engine: EngineClient,
  records: readonly RunRecord[],
  spec: PreprocessSpec,
  file: string,
  signal: AbortSignal,
): Promise<void> {
  const handle = fs.openSync(file, 'w');
  try {
    for (let start = 0; start < records.length; start += chunkSize) {
      if (signal.aborted) throw trainingCancelled();
      const { jobId, done } = engine.run({
        kind: 'prepare-training-data',
        records: records.slice(start, start + chunkSize),
        preprocess: spec,
      });
      const stop = () => engine.cancel(jobId);
      signal.addEventListener('abort', stop, { once: true });
      let tensors: Float32Array;
      try {
        ({ tensors } = await done);
      } catch (error) {
        // The engine's own cancel (or its end as the backend closes) is this job's cancel.
        throw signal.aborted ? trainingCancelled() : error;
      } finally {
        signal.removeEventListener('abort', stop);
      }
      // Float32Array bytes are in the machine's order, little-endian on every platform Electron supports.
      fs.writeSync(handle, Buffer.from(tensors.buffer, tensors.byteOffset, tensors.byteLength));
    }
  } finally {
    fs.closeSync(handle);
  }
}
