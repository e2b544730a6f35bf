// How diffusion attacks see a model: the samples the denoiser works on for a list of records (pixels in [-1, 1], or
// VAE latents), ε_θ for a batch (every call counted into the run's progress), and, for latent models, the decoder
// back to pixels. Decoding, preprocessing, chunking and counting are the runtime's business.
import type { ModelCallBreakdown } from '../../../../src-shared/domain/model-calls';
import type { EpsilonModel } from '../../diffusion/ddim';
import type { SampleShape } from '../../models/vae-codec';
import type { RunRecord } from '../run-record';

export interface DiffusionTarget extends EpsilonModel {
  readonly name: string;
  /** The shape the denoiser works on: the image, or the latent of a latent model. */
  readonly sampleShape: SampleShape;
  /** Values in one sample (C·H·W of `sampleShape`). */
  readonly sampleSize: number;
  /**
   * Model calls so far, every component together (the run record's count): one denoiser call per sample per timestep
   * (two with guidance), one VAE encoder or decoder call per image, one text encoder call per prompt.
   */
  readonly modelCalls: number;
  /** The same calls per component. */
  readonly modelCallsByComponent: ModelCallBreakdown;
  /** Present for latent models: the decoder and the pixel shape it returns. */
  readonly latent: LatentSide | null;
  /** Denoiser input of each record, concatenated in order (latent models: the encoder's mean, scaled). */
  samples(records: readonly RunRecord[]): Promise<Float32Array>;
  /** Pixels in [-1, 1] of each record, concatenated in order, at the shape the model sees (before any encoder). */
  pixels(records: readonly RunRecord[]): Promise<Float32Array>;
  /**
   * ε_θ for batches of these records' samples, laid out record-major (each record's copies together, as the attacks
   * repeat them): a class-conditional target is fed each record's label, a text-conditional one its prompt's hidden
   * states (encoded once here), with classifier-free guidance when `guidanceScale` ≠ 1. An unconditional target is
   * itself, and refuses a scale other than 1.
   */
  conditionedOn(records: readonly RunRecord[], choice: ConditioningChoice): Promise<EpsilonModel>;
}

/** How a run conditions its target (the attacks' shared parameters, diffusion-run.ts). */
export interface ConditioningChoice {
  readonly guidanceScale: number;
  /** Text-conditional targets: each record's caption, the empty prompt, or `fixedPrompt` for every record. */
  readonly prompt: 'caption' | 'empty' | 'fixed';
  readonly fixedPrompt: string;
}

export interface LatentSide {
  readonly pixelShape: SampleShape;
  /** Scaled latents [N, c, h, w] → pixels in [-1, 1] [N, C, H, W]. */
  decode(latents: Float32Array, count: number): Promise<Float32Array>;
}

/** Diffusion runs use no reference or shadow models. */
export type DiffusionModels = Record<string, never>;

export const sizeOfShape = (shape: SampleShape): number => shape.channels * shape.height * shape.width;
