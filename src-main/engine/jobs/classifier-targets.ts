// Classifier models as the attacks see them: records in, probabilities (and logits) out, in chunks so memory stays
// flat, with every model call counted into the run's progress; or, for a label-only target, predicted labels only.
import { MiaError } from '../../common/errors';
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
  const labelOnly = adapter.labelOutput || adapter.config.labelOnly === true;
  const spec = adapter.config.preprocess;
  return {
    name,
    classes: adapter.classes,
    labelOnly,
    input: { channels: spec.channels, height: spec.height, width: spec.width, layout: spec.layout },
    get modelCalls() {
      return calls;
    },
    async outputs(records: readonly RunRecord[], options = {}): Promise<ClassifierOutputs> {
      // The run start refuses such attacks (target-access.ts); this keeps a label-only target's outputs unread whatever calls it.
      if (labelOnly) {
        throw new MiaError(
          'run.target-access',
          `"${name}" is treated as label-only: only its predicted labels may be read, not its probabilities or logits.`,
        );
      }
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
    inputs: (records) => images.tensors(records, spec),
    async predictedLabels(batch, count, phase) {
      signal.throwIfAborted();
      const labels = await adapter.predictLabels(batch, count);
      calls += count;
      progress.add(count, phase);
      return labels;
    },
  };
}
