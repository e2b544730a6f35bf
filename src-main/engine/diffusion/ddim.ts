// Deterministic DDIM (η = 0) helpers, the ones every diffusion attack shares: x̂₀, steps in either direction, a
// denoising walk and an inversion, each formula stated where it is computed. State is kept in float64; the model is
// fed float32.
import { MiaError } from '../../common/errors';
import { epsilonFromModelOutput, x0FromModelOutput } from './model-output';
import type { NoiseSchedule } from './scheduler';

/** What the helpers need from a denoiser: ε for a batch at one timestep (the adapter counts the calls). */
export interface EpsilonModel {
  readonly schedule: NoiseSchedule;
  /** `x` holds a batch [N, C, H, W]; returns ε_θ(x, t) with the same length. */
  predictEpsilon(x: Float32Array, t: number | readonly number[]): Promise<Float32Array>;
}

export type Sample = Float32Array | Float64Array;

function toFloat32(x: Sample): Float32Array {
  return x instanceof Float32Array ? x : Float32Array.from(x);
}

/** x̂₀ = (x_t − √(1−ᾱ_t)·ε) / √ᾱ_t */
export function predictX0(xt: Sample, epsilon: Sample, alphaBar: number): Float64Array {
  const out = new Float64Array(xt.length);
  x0FromModelOutput('epsilon', epsilon, xt, alphaBar, out);
  return out;
}

/** x_{t′} = √ᾱ_{t′}·x̂₀ + √(1−ᾱ_{t′})·ε — also the forward noising q(x_t | x₀) when ε is fresh noise. */
export function combine(x0: Sample, epsilon: Sample, alphaBar: number): Float64Array {
  const signalScale = Math.sqrt(alphaBar);
  const noiseScale = Math.sqrt(1 - alphaBar);
  const out = new Float64Array(x0.length);
  for (let i = 0; i < x0.length; i += 1) out[i] = signalScale * (x0[i] as number) + noiseScale * (epsilon[i] as number);
  return out;
}

/** x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε at a timestep of the schedule. */
export function addNoise(schedule: NoiseSchedule, x0: Sample, epsilon: Sample, t: number): Float64Array {
  return combine(x0, epsilon, schedule.alphaBar(t));
}

export interface DdimStepResult {
  readonly x: Float64Array;
  readonly x0: Float64Array;
  readonly epsilon: Float32Array;
}

/**
 * Clips x̂₀ in place to the schedule's clip_sample range; returns whether it did. diffusers' DDIM step then takes the
 * direction to t′ from the ε the clipped x̂₀ implies, not from the model's ε.
 */
function clipX0(schedule: NoiseSchedule, x0: Float64Array): boolean {
  const range = schedule.clipSampleRange;
  if (range === null) return false;
  for (let i = 0; i < x0.length; i += 1) x0[i] = Math.min(range, Math.max(-range, x0[i] as number));
  return true;
}

/**
 * One deterministic step t → t′ (t′ > t inverts, t′ < t denoises). A denoising step that lands at or below 0
 * returns x̂₀ when ᾱ "before the first step" is 1 (set_alpha_to_one, the default), else mixes at ᾱ_0. One model
 * call.
 */
export async function ddimStep(model: EpsilonModel, xt: Sample, t: number, tNext: number): Promise<DdimStepResult> {
  const epsilon = await model.predictEpsilon(toFloat32(xt), t);
  const alphaBar = model.schedule.alphaBar(t);
  const x0 = predictX0(xt, epsilon, alphaBar);
  let direction: Sample = epsilon;
  if (clipX0(model.schedule, x0)) {
    direction = new Float64Array(x0.length);
    epsilonFromModelOutput('sample', x0, xt, alphaBar, direction);
  }
  if (tNext <= 0 && tNext < t) {
    const finalAlphaBar = model.schedule.finalAlphaBar;
    return { x: finalAlphaBar === 1 ? x0 : combine(x0, direction, finalAlphaBar), x0, epsilon };
  }
  return { x: combine(x0, direction, model.schedule.alphaBar(tNext)), x0, epsilon };
}

/** x̂₀(x_t, t) with one model call. */
export async function estimateX0(model: EpsilonModel, xt: Sample, t: number): Promise<Float64Array> {
  const epsilon = await model.predictEpsilon(toFloat32(xt), t);
  return predictX0(xt, epsilon, model.schedule.alphaBar(t));
}

function checkStride(schedule: NoiseSchedule, t: number, stride: number): void {
  if (!Number.isInteger(stride) || stride <= 0)
    throw new MiaError('diffusion.bad-stride', `The DDIM stride must be a positive integer, got ${stride}.`);
  if (!Number.isInteger(t) || t < 0 || t >= schedule.timesteps) {
    throw new MiaError('diffusion.bad-timestep', `Timestep ${t} is outside the schedule's 0…${schedule.timesteps - 1}.`);
  }
}

/**
 * Denoising walk t → t−k → …: visits t, t−k, …; the step that would land at or below 0 returns x̂₀.
 * Model calls: ⌈t / k⌉ (t = 0 costs one call and returns x̂₀(x, 0)).
 */
export async function ddimDenoise(model: EpsilonModel, xt: Sample, t: number, stride: number): Promise<Float64Array> {
  checkStride(model.schedule, t, stride);
  let x: Sample = xt;
  let current = t;
  for (;;) {
    const next = current - stride;
    const step = await ddimStep(model, x, current, next);
    if (next <= 0) return step.x0;
    x = step.x;
    current = next;
  }
}

/**
 * Deterministic inversion 0 → k → … → t: at each visited s the model is called once and the state moves to
 * min(s + k, t). Model calls: ⌈t / k⌉.
 */
export async function ddimInvert(model: EpsilonModel, x0: Sample, t: number, stride: number): Promise<Float64Array> {
  checkStride(model.schedule, t, stride);
  let x: Sample = x0;
  for (let current = 0; current < t; current = Math.min(current + stride, t)) {
    x = (await ddimStep(model, x, current, Math.min(current + stride, t))).x;
  }
  return x instanceof Float64Array ? x : Float64Array.from(x);
}
