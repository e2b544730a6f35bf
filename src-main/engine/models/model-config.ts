// Each family's model configuration, as import builds it and the engine reads it (the workspace stores it in the
// models table's `config` column, beside the files' I/O in `io`).
import { z } from 'zod';
import { PredictionType, SchedulerConfig } from '../diffusion/scheduler';
import { PreprocessSpec } from './preprocess-spec';

/** Absolute paths of a model's files, keyed by role. */
export const ModelFiles = z.record(z.string(), z.string());
export type ModelFiles = z.infer<typeof ModelFiles>;

export const ClassifierConfig = z.object({
  kind: z.literal('classifier'),
  preprocess: PreprocessSpec,
  /** "auto" decides from the first batch's values (rows non-negative and summing to 1 ⇒ probabilities). */
  output: z.enum(['logits', 'probabilities', 'auto']).default('auto'),
  classes: z.number().int().min(2),
  classNames: z.array(z.string()).optional(),
  io: z.object({ input: z.string().optional(), output: z.string().optional() }).default({}),
  /**
   * Only the arg-max is used, as if the model sat behind an API that returns labels: attacks that need probabilities
   * or logits are refused. Set at import; always true for a model whose output is the class index (isLabelOutput).
   * Absent means false, so configs stored before it read back unchanged.
   */
  labelOnly: z.boolean().optional(),
});
export type ClassifierConfig = z.output<typeof ClassifierConfig>;

export const ClipConfig = z.object({
  kind: z.literal('clip'),
  preprocess: PreprocessSpec,
  /** Token sequence length; when absent it comes from the text input's fixed dimension. */
  maxLength: z.number().int().positive().optional(),
  /** Overrides the tokenizer's pad id (when the text encoder was trained with another). */
  padTokenId: z.number().int().nonnegative().optional(),
  io: z
    .object({
      imageInput: z.string().optional(),
      imageOutput: z.string().optional(),
      textIds: z.string().optional(),
      textMask: z.string().optional(),
      textOutput: z.string().optional(),
    })
    .default({}),
});
export type ClipConfig = z.output<typeof ClipConfig>;

/**
 * What a conditional denoiser takes beside the sample and timestep: class labels (DiT; the null class used for
 * classifier-free guidance is index numClasses, so the label embedding has numClasses + 1 rows), or the text
 * encoder's hidden states for prompts of maxLength tokens (Stable Diffusion).
 */
export const DiffusionConditioning = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('class'), input: z.string().min(1), numClasses: z.number().int().min(1) }),
  z.object({ kind: z.literal('text'), input: z.string().min(1), maxLength: z.number().int().positive() }),
]);
export type DiffusionConditioning = z.output<typeof DiffusionConditioning>;

export const DiffusionConfig = z.object({
  kind: z.literal('diffusion'),
  /** Image size and channels the denoiser works on (pixels scaled to [-1, 1], or latents with a VAE). */
  sampleShape: z.object({ channels: z.number().int().positive(), height: z.number().int().positive(), width: z.number().int().positive() }),
  /** How dataset images become model input: by default resized to the sample size and scaled to [-1, 1]. */
  preprocess: PreprocessSpec,
  /** scheduler.json as imported (parsed, defaults filled); the run reads the schedule from here. */
  scheduler: SchedulerConfig,
  /** When the sidecar overrides scheduler.json's prediction_type. */
  predictionType: PredictionType.optional(),
  io: z.object({ sample: z.string().optional(), timestep: z.string().optional(), output: z.string().optional() }).default({}),
  /** Latent models: the VAE scales latents by this factor (Stable Diffusion: 0.18215). */
  vaeScalingFactor: z.number().positive().optional(),
  /** Conditional denoisers (pipeline folders): the extra input and what feeds it. */
  conditioning: DiffusionConditioning.optional(),
  /** Latent models: the image size the VAE encoder takes (sampleShape is then the latent size). */
  pixelShape: z
    .object({ channels: z.number().int().positive(), height: z.number().int().positive(), width: z.number().int().positive() })
    .optional(),
});
export type DiffusionConfig = z.output<typeof DiffusionConfig>;

export const ModelConfig = z.discriminatedUnion('kind', [ClassifierConfig, ClipConfig, DiffusionConfig]);
export type ModelConfig = z.output<typeof ModelConfig>;
