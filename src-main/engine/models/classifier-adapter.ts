// The classifier adapter: batches of images in, logits (when the model gives them) and probabilities out, or only the
// predicted labels (every classifier gives those; a model whose output is the class index gives nothing else).
import { MiaError } from '../../common/errors';
import { chunkSize, forEachChunk } from './batching';
import {
  checkClassesAgainstDataset,
  checkClassifierOutput,
  checkImageInput,
  isLabelOutput,
  pickTensor,
  type DatasetLabelInfo,
} from './model-compat';
import type { ClassifierConfig } from './model-config';
import { formatTensorInfo, openOnnxModel, type OnnxModel, type SessionOptions, type TensorInfo } from './onnx-session';
import { detectOutputKind, softmaxRows, type ClassifierOutputKind } from './output-kind';
import { preprocessBatch, type PixelImage } from './preprocess';
import { batchDims, imageSize } from './preprocess-spec';
import { makeTensor, tensorToFloat32 } from './tensor-data';

export interface ClassifierPrediction {
  /** Present when the model outputs logits. Row-major [count, classes]. */
  readonly logits?: Float32Array;
  readonly probabilities: Float32Array;
  readonly classes: number;
}

export interface ClassifierAdapter {
  readonly kind: 'classifier';
  readonly file: string;
  readonly config: ClassifierConfig;
  readonly input: TensorInfo;
  readonly output: TensorInfo;
  readonly classes: number;
  /** The output is the class index itself: `predict` is refused, `predictLabels` is all there is. */
  readonly labelOutput: boolean;
  /** How many images went through the model so far. */
  readonly modelCalls: number;
  /** The output kind in use: configured, or detected from the first batch. */
  outputKind(): ClassifierOutputKind | null;
  /** `batch` holds `count` preprocessed images in the preprocessing's layout. */
  predict(batch: Float32Array, count: number): Promise<ClassifierPrediction>;
  /** The predicted class of each of `count` images: the output itself for a label output, else the arg-max of each row. */
  predictLabels(batch: Float32Array, count: number): Promise<Int32Array>;
  predictImages(images: readonly PixelImage[]): Promise<ClassifierPrediction>;
  checkDataset(dataset: DatasetLabelInfo): void;
  release(): Promise<void>;
}

export interface ClassifierOptions extends SessionOptions {
  readonly maxBatch?: number;
}

export async function openClassifier(file: string, config: ClassifierConfig, options: ClassifierOptions = {}): Promise<ClassifierAdapter> {
  const model = await openOnnxModel(file, options);
  try {
    return createClassifier(model, config, options);
  } catch (error) {
    await model.release();
    throw error;
  }
}

export function createClassifier(model: OnnxModel, config: ClassifierConfig, options: ClassifierOptions = {}): ClassifierAdapter {
  const input = pickTensor(model.inputs, config.io.input, 'input', model.file);
  const output = pickTensor(model.outputs, config.io.output, 'output', model.file);
  checkImageInput(input, config.preprocess, model.file);
  checkClassifierOutput(output, config.classes, model.file);
  const classes = config.classes;
  const labelOutput = isLabelOutput(output);
  // Values the model gives per image: one class index, or one logit or probability per class.
  const width = labelOutput ? 1 : classes;
  const size = imageSize(config.preprocess);
  const step = chunkSize(input, options.maxBatch);
  let kind: ClassifierOutputKind | null = config.output === 'auto' ? null : config.output;
  let calls = 0;

  async function runRaw(batch: Float32Array, count: number): Promise<Float32Array> {
    if (batch.length !== count * size) {
      throw new MiaError('model.bad-input', `${model.file}: a batch of ${count} images needs ${count * size} values, got ${batch.length}.`);
    }
    const raw = new Float32Array(count * width);
    await forEachChunk(count, step, async (start, end) => {
      const feeds = {
        [input.name]: makeTensor(
          input.dtype,
          batch.subarray(start * size, end * size),
          batchDims(config.preprocess, end - start),
          input.name,
        ),
      };
      const result = await model.run(feeds);
      const tensor = result[output.name];
      if (!tensor) throw new MiaError('model.bad-output', `${model.file} returned no output named ${output.name}.`);
      const values = tensorToFloat32(tensor, output.name);
      if (values.length !== (end - start) * width) {
        const expected = labelOutput ? `[${end - start}] class indices` : `[${end - start}, ${classes}] (${classes} classes)`;
        throw new MiaError(
          'model.incompatible',
          `${model.file}: output ${output.name} has shape [${tensor.dims.join(', ')}]; expected ${expected}.`,
        );
      }
      raw.set(values, start * width);
      calls += end - start;
    });
    return raw;
  }

  const adapter: ClassifierAdapter = {
    kind: 'classifier',
    file: model.file,
    config,
    input,
    output,
    classes,
    labelOutput,
    get modelCalls() {
      return calls;
    },
    outputKind: () => kind,
    async predict(batch, count) {
      if (labelOutput) {
        throw new MiaError(
          'model.label-only',
          `${model.file}: output ${output.name} is the class index (${formatTensorInfo(output)}); this model gives no probabilities or logits.`,
        );
      }
      const raw = await runRaw(batch, count);
      // Detected once, on the first batch, so that every record of a run is read the same way.
      kind ??= detectOutputKind(raw, classes);
      return kind === 'logits' ? { logits: raw, probabilities: softmaxRows(raw, classes), classes } : { probabilities: raw, classes };
    },
    async predictLabels(batch, count) {
      const raw = await runRaw(batch, count);
      return labelOutput ? labelsInRange(raw, classes, model.file) : argMaxRows(raw, classes);
    },
    async predictImages(images) {
      const { data } = preprocessBatch(images, config.preprocess);
      return adapter.predict(data, images.length);
    },
    checkDataset: (dataset) => checkClassesAgainstDataset(classes, dataset, model.file),
    release: () => model.release(),
  };
  return adapter;
}

/** The arg-max of each row (the first class on a tie), as a label API would answer. */
export function argMaxRows(values: Float32Array, classes: number): Int32Array {
  const labels = new Int32Array(values.length / classes);
  for (let row = 0; row < labels.length; row += 1) {
    let best = 0;
    for (let k = 1; k < classes; k += 1) if ((values[row * classes + k] as number) > (values[row * classes + best] as number)) best = k;
    labels[row] = best;
  }
  return labels;
}

/** Class indices a label output gave, each checked to be one of the model's classes. */
function labelsInRange(values: Float32Array, classes: number, file: string): Int32Array {
  return Int32Array.from(values, (value) => {
    if (!Number.isInteger(value) || value < 0 || value >= classes) {
      throw new MiaError('model.bad-output', `${file} answered class ${value}; the model has classes 0–${classes - 1}.`);
    }
    return value;
  });
}
