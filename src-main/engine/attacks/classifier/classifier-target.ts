// How classifier attacks see a model: outputs for a list of records (batching, decoding and preprocessing are
// the adapter's business), and, for reference and shadow models, which records each one trained on.
import { MiaError } from '../../../common/errors';
import type { RunRecord } from '../run-record';
import type { ClassifierOutputs } from './classifier-outputs';
import type { QuantileRegressorTrainer } from './quantile-regressor';

/** How a model's input tensor is laid out, for attacks that change images in the model's input space. */
export interface InputLayout {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly layout: 'NCHW' | 'NHWC';
}

export interface ClassifierTarget {
  readonly name: string;
  readonly classes: number;
  /** Only predicted labels may be read: `outputs` is refused (a label-only mark, or a model that outputs the class index). */
  readonly labelOnly: boolean;
  readonly input: InputLayout;
  /** Model calls made so far (one per image per forward pass). */
  readonly modelCalls: number;
  /** Outputs for `records` in order; `flip` mirrors every image horizontally first (LiRA's augmentation). */
  outputs(records: readonly RunRecord[], options?: { flip?: boolean; phase?: string }): Promise<ClassifierOutputs>;
  /** The records' preprocessed input tensors, concatenated in order (no model call). */
  inputs(records: readonly RunRecord[]): Promise<Float32Array>;
  /** The label the model predicts for each of `count` input tensors in `batch` (one model call each). */
  predictedLabels(batch: Float32Array, count: number, phase: string): Promise<Int32Array>;
}

export interface TrainedClassifier {
  readonly model: ClassifierTarget;
  /** Record keys (the manifest's ids) this model was trained on. */
  readonly trainedOn: ReadonlySet<string>;
}

export interface ClassifierModels {
  readonly references: readonly TrainedClassifier[];
  readonly shadows: readonly TrainedClassifier[];
  /** Trains and opens quantile regressors (qmia); present when the run was given a Python with PyTorch at Start. */
  readonly quantileRegressors?: QuantileRegressorTrainer;
}

export function labelsOf(records: readonly RunRecord[], attack: string): Int32Array {
  const labels = new Int32Array(records.length);
  records.forEach((record, i) => {
    if (record.label === null) {
      throw new MiaError(
        'attack.missing-label',
        `The ${attack} attack needs a class label for every record, and record "${record.key}" has none.`,
      );
    }
    labels[i] = record.label;
  });
  return labels;
}

export function membershipMask(records: readonly RunRecord[], trainedOn: ReadonlySet<string>): Uint8Array {
  const mask = new Uint8Array(records.length);
  records.forEach((record, i) => {
    mask[i] = trainedOn.has(record.key) ? 1 : 0;
  });
  return mask;
}
