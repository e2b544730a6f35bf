// The noise schedule of a diffusion model, from a diffusers-style scheduler.json / scheduler_config.json: β, α and ᾱ
// in float64, and the keys that shape the DDIM walk (steps_offset, set_alpha_to_one, clip_sample, timestep_spacing).
import { z } from 'zod';
import { MiaError } from '../../common/errors';

export const PredictionType = z.enum(['epsilon', 'v_prediction', 'sample']);
export type PredictionType = z.infer<typeof PredictionType>;

export const BetaSchedule = z.enum(['linear', 'scaled_linear', 'squaredcos_cap_v2']);
export type BetaSchedule = z.infer<typeof BetaSchedule>;

export const TimestepSpacing = z.enum(['leading', 'trailing', 'linspace']);
export type TimestepSpacing = z.infer<typeof TimestepSpacing>;

/**
 * diffusers' scheduler_config.json as DDPMScheduler, DDIMScheduler, PNDMScheduler and EulerDiscreteScheduler write it;
 * keys the workbench does not use (_class_name, skip_prk_steps, interpolation_type, …) pass through. The keys added
 * for pipelines (steps_offset … timestep_spacing) have no defaults here, so that configurations stored before them
 * parse to the same value; createNoiseSchedule fills them in.
 */
export const SchedulerConfig = z
  .looseObject({
    num_train_timesteps: z.number().int().min(2).default(1000),
    beta_start: z.number().positive().lt(1).default(1e-4),
    beta_end: z.number().positive().lt(1).default(0.02),
    beta_schedule: BetaSchedule.default('linear'),
    trained_betas: z.array(z.number().positive().lt(1)).nullable().optional(),
    prediction_type: PredictionType.default('epsilon'),
    /** Added to every inference timestep of the "leading" spacing (Stable Diffusion: 1). */
    steps_offset: z.number().int().nonnegative().optional(),
    /** ᾱ "before the first step": 1 when true (diffusers' default), else ᾱ_0. */
    set_alpha_to_one: z.boolean().optional(),
    clip_sample: z.boolean().optional(),
    clip_sample_range: z.number().positive().optional(),
    timestep_spacing: TimestepSpacing.optional(),
  })
  .superRefine((config, context) => {
    if (config.steps_offset !== undefined && config.steps_offset >= config.num_train_timesteps) {
      context.addIssue({
        code: 'custom',
        path: ['steps_offset'],
        message: `must be below num_train_timesteps (${config.num_train_timesteps}), got ${config.steps_offset}`,
      });
    }
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
  /** ᾱ "before the first step": 1, or ᾱ_0 when the configuration sets set_alpha_to_one false. */
  readonly finalAlphaBar: number;
  readonly stepsOffset: number;
  readonly timestepSpacing: TimestepSpacing;
  /** x̂_0 is clipped to [−range, range] in a DDIM step when clip_sample is true; null when it is not. */
  readonly clipSampleRange: number | null;
  /** ᾱ_t, with finalAlphaBar for t < 0. */
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
  const finalAlphaBar = config.set_alpha_to_one === false ? (alphasCumprod[0] as number) : 1;
  return {
    timesteps,
    betas,
    alphas,
    alphasCumprod,
    predictionType: predictionOverride ?? config.prediction_type,
    finalAlphaBar,
    stepsOffset: config.steps_offset ?? 0,
    // diffusers' DDIM default; PNDM and Euler configurations name their spacing.
    timestepSpacing: config.timestep_spacing ?? 'leading',
    // Absent means no clipping here, unlike DDPM/DDIM's own default (true): PNDM and Euler configurations carry no
    // such key and never clip, and Stable Diffusion configurations say false.
    clipSampleRange: config.clip_sample === true ? (config.clip_sample_range ?? 1) : null,
    alphaBar(t: number): number {
      if (t < 0) return finalAlphaBar;
      if (!Number.isInteger(t) || t >= timesteps) {
        throw new MiaError('diffusion.bad-timestep', `Timestep ${t} is outside the schedule's 0…${timesteps - 1}.`);
      }
      return alphasCumprod[t] as number;
    },
  };
}
