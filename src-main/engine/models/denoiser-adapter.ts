// The diffusion denoiser adapter: ε_θ(x_t, t) for a batch, with v- and x₀-prediction converted to ε, class labels fed
// to a class-conditional denoiser (with classifier-free guidance), a learned-variance output (2·C channels, DiT) cut
// to its ε half, and a count of model calls (one per image per timestep, two with guidance).
import { MiaError } from '../../common/errors';
import type { EpsilonModel } from '../diffusion/ddim';
import { epsilonFromModelOutput } from '../diffusion/model-output';
import { createNoiseSchedule, type NoiseSchedule, type PredictionType } from '../diffusion/scheduler';
import { chunkSize, forEachChunk } from './batching';
import { pickTensor } from './model-compat';
import type { DiffusionConfig } from './model-config';
import { fixedDim, formatTensorInfo, openOnnxModel, type OnnxModel, type SessionOptions, type TensorInfo } from './onnx-session';
import { preprocessBatch, type PixelImage } from './preprocess';
import { makeTensor, tensorToFloat32 } from './tensor-data';

/**
 * What a conditional denoiser is fed beside x and t, per sample: a class label, or text hidden states (L·D values per
 * sample, with the empty prompt's L·D for guidance's unconditional pass); and the guidance scale s (1: the
 * conditional pass only; otherwise ε = ε_u + s·(ε_c − ε_u), ε_u from the null class or the empty prompt).
 */
export type EpsilonCondition =
  | { readonly classLabels: readonly number[]; readonly guidanceScale: number }
  | { readonly hiddenStates: Float32Array; readonly emptyPrompt: Float32Array | null; readonly guidanceScale: number };

/** The extra feeds of the listed items of a batch. */
type ConditionFeeds = (items: readonly number[]) => Record<string, ReturnType<typeof makeTensor>>;

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
  /** ε_θ(x, t | condition); a class-conditional denoiser needs the condition, an unconditional one refuses it. */
  predictEpsilon(x: Float32Array, t: number | readonly number[], condition?: EpsilonCondition): Promise<Float32Array>;
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

/**
 * The sample is the rank-4 float input, the timestep the other one, unless the configuration names them; a
 * class-conditional configuration names its label input too.
 */
function findInputs(model: OnnxModel, config: DiffusionConfig): { sample: TensorInfo; timestep: TensorInfo; labels: TensorInfo | null } {
  const byName = (name: string | undefined) => (name === undefined ? undefined : pickTensor(model.inputs, name, 'input', model.file));
  const labels = byName(config.conditioning?.input) ?? null;
  const wanted = config.conditioning?.kind === 'text' ? 'a float tensor [N, L, D]' : 'an integer tensor [N]';
  const fits =
    config.conditioning?.kind === 'text' ? labels?.dtype.startsWith('float') && labels.shape.length === 3 : labels?.dtype.startsWith('int');
  if (labels && !fits) throw incompatible(model.file, `conditioning input ${formatTensorInfo(labels)} must be ${wanted}.`);
  const sample = byName(config.io.sample) ?? model.inputs.find((t) => t.shape.length === 4 && t.dtype.startsWith('float'));
  if (!sample)
    throw incompatible(
      model.file,
      `no input looks like a sample batch [N, C, H, W]; the inputs are ${model.inputs.map(formatTensorInfo).join(', ')}.`,
    );
  const timestep = byName(config.io.timestep) ?? model.inputs.find((t) => t !== sample && t !== labels && t.shape.length <= 1);
  if (!timestep)
    throw incompatible(
      model.file,
      `no input looks like a timestep ([], [1] or [N]); the inputs are ${model.inputs.map(formatTensorInfo).join(', ')}.`,
    );
  const others = model.inputs.filter((t) => t !== sample && t !== timestep && t !== labels);
  if (others.length > 0) {
    throw incompatible(
      model.file,
      `inputs ${others.map(formatTensorInfo).join(', ')} are not supported yet (conditioning); the workbench feeds a sample and a timestep.`,
    );
  }
  if (!timestepTypes.has(timestep.dtype))
    throw incompatible(model.file, `timestep input ${formatTensorInfo(timestep)} must be int64, int32, float32 or float64.`);
  return { sample, timestep, labels };
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
  const { sample, timestep, labels } = findInputs(model, config);
  const conditioning = config.conditioning ?? null;
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

  /** The ε half of each item of a learned-variance output [n, 2·C, H, W] (its first C channels, as DiT's pipeline does). */
  function epsilonHalf(values: Float32Array, n: number): Float32Array {
    const out = new Float32Array(n * sampleSize);
    for (let i = 0; i < n; i += 1) out.set(values.subarray(2 * i * sampleSize, (2 * i + 1) * sampleSize), i * sampleSize);
    return out;
  }

  async function runGroup(
    x: Float32Array,
    count: number,
    t: number | readonly number[],
    conditionFeeds: ConditionFeeds | null,
    items: readonly number[],
  ): Promise<Float32Array> {
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
        ...(conditionFeeds ? conditionFeeds(items.slice(start, end)) : {}),
      };
      const result = await model.run(feeds);
      runs += 1;
      const tensor = result[output.name];
      if (!tensor) throw new MiaError('model.bad-output', `${model.file} returned no output named ${output.name}.`);
      const raw = tensorToFloat32(tensor, output.name);
      const values = raw.length === 2 * n * sampleSize ? epsilonHalf(raw, n) : raw;
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

  function toEpsilon(raw: Float32Array, x: Float32Array, timesteps: readonly number[]): Float32Array {
    if (predictionType === 'epsilon') return raw;
    const eps = new Float32Array(raw.length);
    timesteps.forEach((t, item) => {
      epsilonFromModelOutput(predictionType, raw, x, schedule.alphaBar(t), eps, item * sampleSize, (item + 1) * sampleSize);
    });
    return eps;
  }

  /** The conditional feeds and, for guidance, the unconditional ones (null class or empty prompt); null when unconditional. */
  function feedsFor(
    condition: EpsilonCondition | undefined,
    count: number,
  ): { conditional: ConditionFeeds; unconditional: ConditionFeeds } | null {
    if (!labels || !conditioning) {
      if (condition) throw new MiaError('model.bad-input', `${model.file} is unconditional; it takes no class labels or text.`);
      return null;
    }
    const what = conditioning.kind === 'class' ? 'a class label' : 'text hidden states';
    if (!condition || 'classLabels' in condition !== (conditioning.kind === 'class'))
      throw new MiaError('model.bad-input', `${model.file} is ${conditioning.kind}-conditional; every sample needs ${what}.`);
    if ('classLabels' in condition && conditioning.kind === 'class') {
      const nullClass = conditioning.numClasses;
      if (condition.classLabels.length !== count)
        throw new MiaError('model.bad-input', `${model.file}: ${count} samples but ${condition.classLabels.length} class labels.`);
      const bad = condition.classLabels.find((label) => !Number.isInteger(label) || label < 0 || label >= nullClass);
      if (bad !== undefined)
        throw new MiaError('model.bad-input', `${model.file}: class label ${bad} is outside the model's classes 0 … ${nullClass - 1}.`);
      const feed = (values: (item: number) => number) => (items: readonly number[]) => ({
        [labels.name]: makeTensor(labels.dtype, items.map(values), [items.length], labels.name),
      });
      return { conditional: feed((item) => condition.classLabels[item] as number), unconditional: feed(() => nullClass) };
    }
    if ('classLabels' in condition || conditioning.kind !== 'text')
      throw new MiaError('model.bad-input', `${model.file} is ${conditioning.kind}-conditional; every sample needs ${what}.`);
    const [length, width] = [fixedDim(labels.shape[1]) ?? conditioning.maxLength, fixedDim(labels.shape[2])];
    const rowSize = condition.hiddenStates.length / count;
    if (!Number.isInteger(rowSize) || (width !== null && rowSize !== length * width))
      throw new MiaError(
        'model.bad-input',
        `${model.file}: ${count} samples but ${condition.hiddenStates.length} hidden-state values for ${formatTensorInfo(labels)}.`,
      );
    const feed = (rows: (item: number) => Float32Array) => (items: readonly number[]) => {
      const data = new Float32Array(items.length * rowSize);
      items.forEach((item, j) => data.set(rows(item), j * rowSize));
      return { [labels.name]: makeTensor('float32', data, [items.length, length, rowSize / length], labels.name) };
    };
    const empty = condition.emptyPrompt;
    return {
      conditional: feed((item) => condition.hiddenStates.subarray(item * rowSize, (item + 1) * rowSize)),
      unconditional: feed(() => {
        if (!empty) throw new MiaError('model.bad-input', `${model.file}: guidance needs the empty prompt's hidden states.`);
        return empty;
      }),
    };
  }

  async function predictEpsilon(x: Float32Array, t: number | readonly number[], condition?: EpsilonCondition): Promise<Float32Array> {
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
    const feeds = feedsFor(condition, count);
    const raw = await runAll(x, count, timesteps, feeds?.conditional ?? null);
    const scale = condition?.guidanceScale ?? 1;
    if (scale !== 1 && feeds) {
      const unconditional = await runAll(x, count, timesteps, feeds.unconditional);
      for (let i = 0; i < raw.length; i += 1) {
        const u = unconditional[i] as number;
        raw[i] = u + scale * ((raw[i] as number) - u);
      }
    }
    return toEpsilon(raw, x, timesteps);
  }

  /** One pass over the batch: in one group when t is shared or fed per item, else one group per distinct t. */
  async function runAll(x: Float32Array, count: number, timesteps: readonly number[], feeds: ConditionFeeds | null): Promise<Float32Array> {
    const all = Array.from({ length: count }, (_, i) => i);
    const distinct = [...new Set(timesteps)];
    if (distinct.length === 1) return runGroup(x, count, distinct[0] as number, feeds, all);
    if (perItemTimesteps) return runGroup(x, count, timesteps, feeds, all);
    const raw = new Float32Array(x.length);
    for (const value of distinct) {
      const items = timesteps.flatMap((tv, i) => (tv === value ? [i] : []));
      const gathered = new Float32Array(items.length * sampleSize);
      items.forEach((item, j) => gathered.set(x.subarray(item * sampleSize, (item + 1) * sampleSize), j * sampleSize));
      const part = await runGroup(gathered, items.length, value, feeds, items);
      items.forEach((item, j) => raw.set(part.subarray(j * sampleSize, (j + 1) * sampleSize), item * sampleSize));
    }
    return raw;
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
