// Checks, before any run, that a model's inputs and outputs fit its preprocessing and a dataset's labels.
import path from 'node:path';
import { MiaError } from '../../common/errors';
import { fixedDim, formatTensorInfo, type TensorInfo } from './onnx-session';
import type { PreprocessSpec } from './preprocess-spec';

const floatTypes = new Set(['float32', 'float64']);

function incompatible(file: string, problem: string, details: Record<string, unknown> = {}): MiaError {
  return new MiaError('model.incompatible', `${path.basename(file)}: ${problem}`, { file, ...details });
}

/** Picks the input/output by configured name, or the only one there is. */
export function pickTensor(list: readonly TensorInfo[], wanted: string | undefined, what: string, file: string): TensorInfo {
  if (wanted !== undefined) {
    const found = list.find((t) => t.name === wanted);
    if (!found) {
      throw incompatible(
        file,
        `the configuration names ${what} "${wanted}", but the model has ${list.map((t) => `"${t.name}"`).join(', ') || 'none'}.`,
      );
    }
    return found;
  }
  if (list.length !== 1) {
    throw incompatible(
      file,
      `the model has ${list.length} ${what}s (${list.map((t) => `"${t.name}"`).join(', ')}); say which one to use in the model configuration.`,
    );
  }
  return list[0] as TensorInfo;
}

/** An image input must be a rank-4 float tensor whose fixed dims agree with the preprocessing. */
export function checkImageInput(input: TensorInfo, spec: PreprocessSpec, file: string): void {
  if (!floatTypes.has(input.dtype)) {
    throw incompatible(file, `input ${formatTensorInfo(input)} is ${input.dtype}; an image input must be float32 or float64.`);
  }
  if (input.shape.length === 0) return; // the model does not declare a shape: nothing to check before running
  if (input.shape.length !== 4) {
    throw incompatible(
      file,
      `input ${formatTensorInfo(input)} has rank ${input.shape.length}; an image batch has rank 4 (${spec.layout}).`,
    );
  }
  const expected =
    spec.layout === 'NCHW'
      ? [
          ['channels', spec.channels],
          ['height', spec.height],
          ['width', spec.width],
        ]
      : [
          ['height', spec.height],
          ['width', spec.width],
          ['channels', spec.channels],
        ];
  const problems: string[] = [];
  expected.forEach(([label, value], index) => {
    const dim = fixedDim(input.shape[index + 1]);
    if (dim !== null && dim !== value) problems.push(`${label}: the model takes ${dim}, the preprocessing gives ${value}`);
  });
  if (problems.length > 0) {
    throw incompatible(file, `input ${formatTensorInfo(input)} does not fit the preprocessing (${spec.layout}) — ${problems.join('; ')}.`, {
      problems,
    });
  }
}

const labelTypes = new Set(['int64', 'int32']);

/**
 * A classifier whose output is the class index itself (an ArgMax at the end): an integer tensor [batch] or
 * [batch, 1]. Such a model exposes no probabilities at all, so it is label-only by nature.
 */
export function isLabelOutput(output: TensorInfo): boolean {
  if (!labelTypes.has(output.dtype)) return false;
  return output.shape.length <= 1 || (output.shape.length === 2 && [1, null].includes(fixedDim(output.shape[1])));
}

/** A classifier output is [batch, classes] (or the class index itself, [batch] or [batch, 1]); a fixed class dimension must equal the configured class count. */
export function checkClassifierOutput(output: TensorInfo, classes: number, file: string): void {
  if (isLabelOutput(output)) return;
  if (!floatTypes.has(output.dtype)) {
    throw incompatible(
      file,
      `output ${formatTensorInfo(output)} is ${output.dtype}; logits or probabilities must be float32 or float64, and class indices int64 or int32 of shape [batch] or [batch, 1].`,
    );
  }
  if (output.shape.length === 0) return;
  if (output.shape.length !== 2) {
    throw incompatible(
      file,
      `output ${formatTensorInfo(output)} has rank ${output.shape.length}; a classifier output is [batch, classes].`,
    );
  }
  const dim = fixedDim(output.shape[1]);
  if (dim !== null && dim !== classes) {
    throw incompatible(file, `output ${formatTensorInfo(output)} has ${dim} classes, but the configuration says ${classes}.`);
  }
}

export interface DatasetLabelInfo {
  readonly name: string;
  /** Largest label among the records that will be scored; null when none has a label. */
  readonly maxLabel: number | null;
  readonly classNames?: readonly string[] | null;
}

/** Every label of the dataset must be a class of the model. */
export function checkClassesAgainstDataset(classes: number, dataset: DatasetLabelInfo, file: string): void {
  if (dataset.maxLabel !== null && dataset.maxLabel >= classes) {
    throw incompatible(
      file,
      `the model has ${classes} classes (labels 0–${classes - 1}), but dataset "${dataset.name}" has label ${dataset.maxLabel}.`,
      { classes, maxLabel: dataset.maxLabel },
    );
  }
  if (dataset.classNames && dataset.classNames.length > classes) {
    throw incompatible(file, `the model has ${classes} classes, but dataset "${dataset.name}" names ${dataset.classNames.length}.`, {
      classes,
      datasetClasses: dataset.classNames.length,
    });
  }
}
