// The statistics of the diffusion attacks (ReDiffuse, SecMI, PIA/PIAN, the diffusion loss) on a batch of samples,
// before the sign flip: lower = more likely a member. Pure arithmetic around an ε model, so tests can feed a
// closed-form denoiser or a reference implementation's noise. State is float64; the model is fed float32 by the DDIM
// helpers.
import { MiaError } from '../../../common/errors';
import { addNoise, ddimDenoise, ddimInvert, ddimStep, type EpsilonModel, type Sample } from '../../diffusion/ddim';
import type { NoiseSource } from './noise-source';

export interface RediffuseOptions {
  readonly repeats: number;
  readonly t: number;
  readonly stride: number;
}

export interface SecmiOptions {
  readonly t: number;
  readonly stride: number;
}

export interface PiaOptions {
  readonly t: number;
  /** PIAN: ε₀ rescaled to Gaussian scale, ε₀ / mean|ε₀| · √(2/π), before it is used. */
  readonly gaussianScale: boolean;
}

export interface LossOptions {
  readonly repeats: number;
  readonly t: number;
}

function countOf(x: Sample, size: number): number {
  const count = x.length / size;
  if (!Number.isInteger(count))
    throw new MiaError('diffusion.bad-batch', `A batch of ${x.length} values is not a whole number of ${size}-value samples.`);
  return count;
}

/** Each sample repeated `repeats` times in place (record-major: x0, x0, …, x1, x1, …). */
export function repeatSamples(x: Sample, size: number, repeats: number): Float64Array {
  const count = countOf(x, size);
  const out = new Float64Array(count * repeats * size);
  for (let item = 0; item < count; item += 1) {
    const sample = x.subarray(item * size, (item + 1) * size);
    for (let r = 0; r < repeats; r += 1) out.set(sample, (item * repeats + r) * size);
  }
  return out;
}

/** The noise of every item of the batch, concatenated in the layout of `repeatSamples`. */
export function gatherNoise(noise: NoiseSource, count: number, valuesPerItem: number): Float64Array {
  const out = new Float64Array(count * valuesPerItem);
  for (let item = 0; item < count; item += 1) {
    const values = noise(item, valuesPerItem);
    if (values.length !== valuesPerItem)
      throw new MiaError(
        'diffusion.bad-noise',
        `The noise source gave ${values.length} values for item ${item}; expected ${valuesPerItem}.`,
      );
    out.set(values, item * valuesPerItem);
  }
  return out;
}

/** Σ_i |a_i − b_i|^p of each sample (p = 1, 2 or 4). */
export function powerDistances(a: Sample, b: Sample, size: number, power: 1 | 2 | 4): Float64Array {
  const count = countOf(a, size);
  if (b.length !== a.length) throw new MiaError('diffusion.bad-batch', `Cannot compare batches of ${a.length} and ${b.length} values.`);
  const out = new Float64Array(count);
  for (let item = 0; item < count; item += 1) {
    let sum = 0;
    for (let i = item * size; i < (item + 1) * size; i += 1) {
      const d = Math.abs((a[i] as number) - (b[i] as number));
      sum += power === 1 ? d : power === 2 ? d * d : d * d * d * d;
    }
    out[item] = sum;
  }
  return out;
}

/**
 * ReDiffuse's reconstruction x̂: for each sample, the mean over r of DDIM-denoise(√ᾱ_t·x + √(1−ᾱ_t)·ε_r) from t to 0
 * with stride k. All n·B noisy copies go through the model as one batch. Model calls per sample: n·⌈t/k⌉.
 */
export async function rediffuseReconstructions(
  model: EpsilonModel,
  x: Sample,
  size: number,
  noise: NoiseSource,
  options: RediffuseOptions,
): Promise<Float64Array> {
  const copies = await rediffuseCopies(model, x, size, noise, options);
  return meanOfCopies(copies, countOf(x, size), options.repeats, size);
}

/** The n denoised copies of every sample, record-major (sample 0's n copies, then sample 1's …), not yet averaged. */
export async function rediffuseCopies(
  model: EpsilonModel,
  x: Sample,
  size: number,
  noise: NoiseSource,
  options: RediffuseOptions,
): Promise<Sample> {
  const count = countOf(x, size);
  const { repeats } = options;
  const noisy = addNoise(model.schedule, repeatSamples(x, size, repeats), gatherNoise(noise, count, repeats * size), options.t);
  return ddimDenoise(model, noisy, options.t, options.stride);
}

/** The mean of each sample's n record-major copies (the layout of `repeatSamples`). */
export function meanOfCopies(reconstructions: Sample, count: number, repeats: number, size: number): Float64Array {
  const mean = new Float64Array(count * size);
  for (let item = 0; item < count; item += 1) {
    for (let r = 0; r < repeats; r += 1) {
      const from = (item * repeats + r) * size;
      for (let i = 0; i < size; i += 1) mean[item * size + i] = (mean[item * size + i] as number) + (reconstructions[from + i] as number);
    }
  }
  for (let i = 0; i < mean.length; i += 1) mean[i] = (mean[i] as number) / repeats;
  return mean;
}

/**
 * SecMI's t-error: deterministic inversion 0 → t (stride k) gives x̃_t; one inversion step t → t+k then one denoising
 * step back to t gives x̂_t; statistic ‖x̂_t − x̃_t‖². Model calls per sample: ⌈t/k⌉ + 2.
 */
export async function secmiStatistics(model: EpsilonModel, x: Sample, size: number, options: SecmiOptions): Promise<Float64Array> {
  countOf(x, size);
  const { t, stride } = options;
  const inverted = await ddimInvert(model, x, t, stride);
  const up = await ddimStep(model, inverted, t, t + stride);
  const back = await ddimStep(model, up.x, t + stride, t);
  return powerDistances(back.x, inverted, size, 2);
}

/** ε₀ / mean|ε₀| · √(2/π) per sample, the scale of a standard Gaussian's mean absolute value (PIAN). */
export function toGaussianScale(epsilon: Sample, size: number): Float64Array {
  const count = countOf(epsilon, size);
  const out = new Float64Array(epsilon.length);
  const target = Math.sqrt(2 / Math.PI);
  for (let item = 0; item < count; item += 1) {
    let sum = 0;
    for (let i = item * size; i < (item + 1) * size; i += 1) sum += Math.abs(epsilon[i] as number);
    const meanAbs = sum / size;
    // A model that predicts exactly zero noise leaves nothing to rescale; zeros stay zeros instead of NaN.
    const scale = meanAbs > 0 ? target / meanAbs : 0;
    for (let i = item * size; i < (item + 1) * size; i += 1) out[i] = (epsilon[i] as number) * scale;
  }
  return out;
}

/** PIA: ε₀ = ε_θ(x, 0); x_t = √ᾱ_t·x + √(1−ᾱ_t)·ε₀; statistic ‖ε₀ − ε_θ(x_t, t)‖₄⁴. Two model calls per sample. */
export async function piaStatistics(model: EpsilonModel, x: Sample, size: number, options: PiaOptions): Promise<Float64Array> {
  countOf(x, size);
  const raw = await model.predictEpsilon(x instanceof Float32Array ? x : Float32Array.from(x), 0);
  const epsilon0 = options.gaussianScale ? toGaussianScale(raw, size) : raw;
  const noisy = addNoise(model.schedule, x, epsilon0, options.t);
  const predicted = await model.predictEpsilon(Float32Array.from(noisy), options.t);
  return powerDistances(epsilon0, predicted, size, 4);
}

/** The diffusion loss: mean over r of ‖ε_r − ε_θ(√ᾱ_t·x + √(1−ᾱ_t)·ε_r, t)‖². n model calls per sample. */
export async function lossStatistics(
  model: EpsilonModel,
  x: Sample,
  size: number,
  noise: NoiseSource,
  options: LossOptions,
): Promise<Float64Array> {
  const count = countOf(x, size);
  const { repeats } = options;
  const epsilon = gatherNoise(noise, count, repeats * size);
  const noisy = addNoise(model.schedule, repeatSamples(x, size, repeats), epsilon, options.t);
  const predicted = await model.predictEpsilon(Float32Array.from(noisy), options.t);
  const errors = powerDistances(epsilon, predicted, size, 2);
  const out = new Float64Array(count);
  for (let item = 0; item < count; item += 1) {
    let sum = 0;
    for (let r = 0; r < repeats; r += 1) sum += errors[item * repeats + r] as number;
    out[item] = sum / repeats;
  }
  return out;
}
