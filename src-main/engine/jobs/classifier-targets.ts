// Classifier models as the attacks see them: records in, probabilities (and logits) out, in chunks so memory stays
// flat, with every model call counted into the run's progress.
import type { ClassifierOutputs } from '../attacks/classifier/classifier-outputs';
import type { ClassifierTarget } from '../attacks/classifier/classifier-target';
import type { RunRecord } from '../attacks/run-record';
import type { ClassifierAdapter } from '../models/classifier-adapter';
import type { CallProgress } from './call-progress';
import type { RecordImages } from './record-images';

const chunkRecords = 256;

export function classifierTarget(
  name: string,
  adapter: ClassifierAdapter,
  images: RecordImages,
  progress: CallProgress,
  signal: AbortSignal,
): ClassifierTarget {
  let calls = 0;
  return {
    name,
    classes: adapter.classes,
    get modelCalls() {
      return calls;
    },
    async outputs(records: readonly RunRecord[], options = {}): Promise<ClassifierOutputs> {
      const classes = adapter.classes;
      const probabilities = new Float32Array(records.length * classes);
      let logits: Float32Array | null = null;
      for (let start = 0; start < records.length; start += chunkRecords) {
        signal.throwIfAborted();
        const chunk = records.slice(start, start + chunkRecords);
        const batch = await images.tensors(chunk, adapter.config.preprocess, { flip: options.flip ?? false });
        const prediction = await adapter.predict(batch, chunk.length);
        probabilities.set(prediction.probabilities, start * classes);
        if (prediction.logits) {
          logits ??= new Float32Array(records.length * classes);
          logits.set(prediction.logits, start * classes);
        }
        calls += chunk.length;
        progress.add(chunk.length, options.phase ?? 'scoring');
      }
      return { classes, probabilities, logits };
    },
  };
}
