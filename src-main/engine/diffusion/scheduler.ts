// The noise schedule of a diffusion model, from a diffusers-style scheduler.json: β, α and ᾱ in float64.
import { z } from 'zod';
import { MiaError } from '../../common/errors';

export const PredictionType = z.enum(['epsilon', 'v_prediction', 'sample']);
export type PredictionType = z.infer<typeof PredictionType>;

export const BetaSchedule = z.enum(['linear', 'scaled_linear', 'squaredcos_cap_v2']);
export type BetaSchedule = z.infer<typeof BetaSchedule>;

/** diffusers' scheduler_config.json; keys this workbench does not use (clip_sample, steps_offset, …) pass through. */
export const SchedulerConfig = z.looseObject({
  num_train_timesteps: z.number().int().min(2).default(1000),
  beta_start: z.number().positive().default(1e-4),
  beta_end: z.number().positive().default(0.02),
  beta_schedule: BetaSchedule.default('linear'),
  trained_betas: z.array(z.number().positive().lt(1)).nullable().optional(),
  prediction_type: PredictionType.default('epsilon'),
});
export type SchedulerConfig = z.output<typeof SchedulerConfig>;
export type SchedulerConfigInput = z.input<typeof SchedulerConfig>;

export interface NoiseSchedule {
  readonly timesteps: number;
  readonly betas: Float64Array;
  readonly alphas: Float64Array;
  /** ᾱ_t = Π_{s ≤ t} (1 − β_s), t = 0 … T−1. */
  readonly alphasCumprod: Float64Array;
  readonly predictionType: PredictionType;
  /** ᾱ_t, with ᾱ = 1 for t < 0 ("before the first step", diffusers' set_alpha_to_one). */
  alphaBar(t: number): number;
}

// diffusers caps cosine betas at 0.999 so that ᾱ never reaches 0 at the last step.
const cosineMaxBeta = 0.999;

function cosineAlphaBar(fraction: number): number {
  return Math.cos(((fraction + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
}

export function computeBetas(config: SchedulerConfig): Float64Array {
  const count = config.num_train_timesteps;
  if (config.trained_betas) {
    if (config.trained_betas.length !== count) {
      throw new MiaError(
        'model.bad-scheduler',
        `scheduler.json lists ${config.trained_betas.length} trained_betas, but num_train_timesteps is ${count}.`,
      );
    }
    return Float64Array.from(config.trained_betas);
  }
  const betas = new Float64Array(count);
  for (let i = 0; i < count; i += 1) {
    const fraction = i / (count - 1);
    switch (config.beta_schedule) {
      case 'linear':
        betas[i] = config.beta_start + (config.beta_end - config.beta_start) * fraction;
        break;
      case 'scaled_linear': {
        const root = Math.sqrt(config.beta_start) + (Math.sqrt(config.beta_end) - Math.sqrt(config.beta_start)) * fraction;
        betas[i] = root * root;
        break;
      }
      case 'squaredcos_cap_v2':
        betas[i] = Math.min(1 - cosineAlphaBar((i + 1) / count) / cosineAlphaBar(i / count), cosineMaxBeta);
        break;
    }
  }
  return betas;
}

export function createNoiseSchedule(config: SchedulerConfig, predictionOverride?: PredictionType): NoiseSchedule {
  const betas = computeBetas(config);
  const alphas = betas.map((b) => 1 - b);
  const alphasCumprod = new Float64Array(alphas.length);
  let product = 1;
  alphas.forEach((a, i) => {
    product *= a;
    alphasCumprod[i] = product;
  });
  const timesteps = betas.length;
  return {
    timesteps,
    betas,
    alphas,
    alphasCumprod,
    predictionType: predictionOverride ?? config.prediction_type,
    alphaBar(t: number): number {
      if (t < 0) return 1;
      if (!Number.isInteger(t) || t >= timesteps) {
        throw new MiaError('diffusion.bad-timestep', `Timestep ${t} is outside the schedule's 0…${timesteps - 1}.`);
      }
      return alphasCumprod[t] as number;
    },
  };
}
