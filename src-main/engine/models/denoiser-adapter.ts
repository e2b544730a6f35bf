// The diffusion denoiser adapter: ε_θ(x_t, t) for a batch, with v- and x₀-prediction converted to ε, and a count
// of model calls (one per image per timestep).
import { MiaError } from '../../common/errors';
import type { EpsilonModel } from '../diffusion/ddim';
import { createNoiseSchedule, type NoiseSchedule, type PredictionType } from '../diffusion/scheduler';
import { chunkSize, forEachChunk } from './batching';
import { pickTensor } from './model-compat';
import type { DiffusionConfig } from './model-config';
import { fixedDim, formatTensorInfo, openOnnxModel, type OnnxModel, type SessionOptions, type TensorInfo } from './onnx-session';
import { preprocessBatch, type PixelImage } from './preprocess';
import { makeTensor, tensorToFloat32 } from './tensor-data';

export interface DenoiserAdapter extends EpsilonModel {
  readonly kind: 'diffusion';
  readonly file: string;
  readonly config: DiffusionConfig;
  readonly predictionType: PredictionType;
  readonly sampleInput: TensorInfo;
  readonly timestepInput: TensorInfo;
  readonly output: TensorInfo;
  /** Values in one sample (C·H·W). */
  readonly sampleSize: number;
  /** ε evaluations so far, one per image per timestep (the run record's model call count). */
  readonly modelCalls: number;
  /** session.run() invocations so far (batches). */
  readonly sessionRuns: number;
  /** Dataset images → model input batch (pixels scaled to [-1, 1] by default); latent models encode these first. */
  prepareImages(images: readonly PixelImage[]): Float32Array;
  release(): Promise<void>;
}

export interface DenoiserOptions extends SessionOptions {
  readonly maxBatch?: number;
}

const timestepTypes = new Set(['int64', 'int32', 'float32', 'float64']);

export async function openDenoiser(file: string, config: DiffusionConfig, options: DenoiserOptions = {}): Promise<DenoiserAdapter> {
  const model = await openOnnxModel(file, options);
  try {
    return createDenoiser(model, config, createNoiseSchedule(config.scheduler, config.predictionType), options);
  } catch (error) {
    await model.release();
    throw error;
  }
}

function incompatible(file: string, message: string): MiaError {
  return new MiaError('model.incompatible', `${file}: ${message}`, { file });
}

/** The sample is the rank-4 float input, the timestep the other one, unless the configuration names them. */
function findInputs(model: OnnxModel, config: DiffusionConfig): { sample: TensorInfo; timestep: TensorInfo } {
  const byName = (name: string | undefined) => (name === undefined ? undefined : pickTensor(model.inputs, name, 'input', model.file));
  const sample = byName(config.io.sample) ?? model.inputs.find((t) => t.shape.length === 4 && t.dtype.startsWith('float'));
  if (!sample)
    throw incompatible(
      model.file,
      `no input looks like a sample batch [N, C, H, W]; the inputs are ${model.inputs.map(formatTensorInfo).join(', ')}.`,
    );
  const timestep = byName(config.io.timestep) ?? model.inputs.find((t) => t !== sample && t.shape.length <= 1);
  if (!timestep)
    throw incompatible(
      model.file,
      `no input looks like a timestep ([], [1] or [N]); the inputs are ${model.inputs.map(formatTensorInfo).join(', ')}.`,
    );
  const others = model.inputs.filter((t) => t !== sample && t !== timestep);
  if (others.length > 0) {
    throw incompatible(
      model.file,
      `inputs ${others.map(formatTensorInfo).join(', ')} are not supported yet (conditioning); the workbench feeds a sample and a timestep.`,
    );
  }
  if (!timestepTypes.has(timestep.dtype))
    throw incompatible(model.file, `timestep input ${formatTensorInfo(timestep)} must be int64, int32, float32 or float64.`);
  return { sample, timestep };
}

function checkSampleShape(file: string, sample: TensorInfo, shape: DiffusionConfig['sampleShape']): void {
  const expected = [shape.channels, shape.height, shape.width];
  const problems = ['channels', 'height', 'width'].flatMap((label, i) => {
    const dim = fixedDim(sample.shape[i + 1]);
    return dim !== null && dim !== expected[i] ? [`${label}: the model takes ${dim}, the configuration says ${expected[i]}`] : [];
  });
  if (problems.length > 0) throw incompatible(file, `sample input ${formatTensorInfo(sample)} does not fit — ${problems.join('; ')}.`);
}

export function createDenoiser(
  model: OnnxModel,
  config: DiffusionConfig,
  schedule: NoiseSchedule,
  options: DenoiserOptions = {},
): DenoiserAdapter {
  const { sample, timestep } = findInputs(model, config);
  checkSampleShape(model.file, sample, config.sampleShape);
  const output = pickTensor(model.outputs, config.io.output, 'output', model.file);
  const { channels, height, width } = config.sampleShape;
  const sampleSize = channels * height * width;
  const step = chunkSize(sample, options.maxBatch);
  // A scalar or [1] timestep input takes one t per session.run, so a batch is split by distinct t.
  const perItemTimesteps = timestep.shape.length === 1 && fixedDim(timestep.shape[0]) !== 1;
  const predictionType = schedule.predictionType;
  let calls = 0;
  let runs = 0;

  async function runGroup(x: Float32Array, count: number, t: number | readonly number[]): Promise<Float32Array> {
    const out = new Float32Array(count * sampleSize);
    await forEachChunk(count, step, async (start, end) => {
      const n = end - start;
      const tValues = typeof t === 'number' ? (perItemTimesteps ? new Array<number>(n).fill(t) : [t]) : t.slice(start, end);
      const tDims = timestep.shape.length === 0 ? [] : [tValues.length];
      const feeds = {
        [sample.name]: makeTensor(
          sample.dtype,
          x.subarray(start * sampleSize, end * sampleSize),
          [n, channels, height, width],
          sample.name,
        ),
        [timestep.name]: makeTensor(timestep.dtype, tValues, tDims, timestep.name),
      };
      const result = await model.run(feeds);
      runs += 1;
      const tensor = result[output.name];
      if (!tensor) throw new MiaError('model.bad-output', `${model.file} returned no output named ${output.name}.`);
      const values = tensorToFloat32(tensor, output.name);
      if (values.length !== n * sampleSize) {
        throw incompatible(
          model.file,
          `output ${output.name} has shape [${tensor.dims.join(', ')}]; expected [${n}, ${channels}, ${height}, ${width}].`,
        );
      }
      out.set(values, start * sampleSize);
      calls += n;
    });
    return out;
  }

  /** v = √ᾱ ε − √(1−ᾱ) x₀ and x_t = √ᾱ x₀ + √(1−ᾱ) ε give ε = √ᾱ v + √(1−ᾱ) x_t; x₀-prediction inverts x_t directly. */
  function toEpsilon(raw: Float32Array, x: Float32Array, timesteps: readonly number[]): Float32Array {
    if (predictionType === 'epsilon') return raw;
    const eps = new Float32Array(raw.length);
    timesteps.forEach((t, item) => {
      const alphaBar = schedule.alphaBar(t);
      const a = Math.sqrt(alphaBar);
      const s = Math.sqrt(1 - alphaBar);
      for (let i = item * sampleSize; i < (item + 1) * sampleSize; i += 1) {
        eps[i] =
          predictionType === 'v_prediction'
            ? a * (raw[i] as number) + s * (x[i] as number)
            : ((x[i] as number) - a * (raw[i] as number)) / s;
      }
    });
    return eps;
  }

  async function predictEpsilon(x: Float32Array, t: number | readonly number[]): Promise<Float32Array> {
    const count = x.length / sampleSize;
    if (!Number.isInteger(count) || count === 0) {
      throw new MiaError(
        'model.bad-input',
        `${model.file}: a batch of samples [N, ${channels}, ${height}, ${width}] needs a multiple of ${sampleSize} values, got ${x.length}.`,
      );
    }
    const timesteps = typeof t === 'number' ? new Array<number>(count).fill(t) : [...t];
    if (timesteps.length !== count)
      throw new MiaError('model.bad-input', `${model.file}: ${count} samples but ${timesteps.length} timesteps.`);
    timesteps.forEach((value) => schedule.alphaBar(value)); // throws on a timestep outside the schedule
    const distinct = [...new Set(timesteps)];
    let raw: Float32Array;
    if (distinct.length === 1) raw = await runGroup(x, count, distinct[0] as number);
    else if (perItemTimesteps) raw = await runGroup(x, count, timesteps);
    else {
      raw = new Float32Array(x.length);
      for (const value of distinct) {
        const items = timesteps.flatMap((tv, i) => (tv === value ? [i] : []));
        const gathered = new Float32Array(items.length * sampleSize);
        items.forEach((item, j) => gathered.set(x.subarray(item * sampleSize, (item + 1) * sampleSize), j * sampleSize));
        const part = await runGroup(gathered, items.length, value);
        items.forEach((item, j) => raw.set(part.subarray(j * sampleSize, (j + 1) * sampleSize), item * sampleSize));
      }
    }
    return toEpsilon(raw, x, timesteps);
  }

  return {
    kind: 'diffusion',
    file: model.file,
    config,
    schedule,
    predictionType,
    sampleInput: sample,
    timestepInput: timestep,
    output,
    sampleSize,
    get modelCalls() {
      return calls;
    },
    get sessionRuns() {
      return runs;
    },
    predictEpsilon,
    prepareImages: (images) => preprocessBatch(images, config.preprocess).data,
    release: () => model.release(),
  };
}
