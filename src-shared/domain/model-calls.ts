// Model calls counted per component of a target: a classifier or CLIP model is one model, a diffusion pipeline is a
// denoiser (UNet or transformer) with, for latent and text-conditional targets, a VAE encoder and decoder and a text
// encoder. The estimate before Start, the live progress and a finished run's count all use this one shape.
import { z } from 'zod';

/**
 * Components named as Optimum's pipeline folders name them (`unet` is the denoiser, a DiT's transformer too);
 * `image_variation` counts requests to an image-variation API, one per record whatever n.
 */
export const ModelComponent = z.enum(['model', 'unet', 'vae_encoder', 'vae_decoder', 'text_encoder', 'image_variation']);
export type ModelComponent = z.infer<typeof ModelComponent>;

/** Calls per component; a component the target does not have, or the attack never calls, is left out. */
export const ModelCallBreakdown = z.partialRecord(ModelComponent, z.number().int().nonnegative());
export type ModelCallBreakdown = z.infer<typeof ModelCallBreakdown>;

export function totalModelCalls(breakdown: ModelCallBreakdown): number {
  return Object.values(breakdown).reduce((sum, calls) => sum + (calls ?? 0), 0);
}

/** "unet 2048, vae_encoder 512": the components of a count in order, each number written by `formatNumber`. */
export function describeModelCalls(breakdown: ModelCallBreakdown, formatNumber: (calls: number) => string = String): string {
  return ModelComponent.options
    .filter((component) => breakdown[component] !== undefined)
    .map((component) => `${component} ${formatNumber(breakdown[component]!)}`)
    .join(', ');
}

/** Two counts added component by component (a run's attack on the target and its repeat on the null model). */
export function addModelCalls(first: ModelCallBreakdown, second: ModelCallBreakdown): ModelCallBreakdown {
  const sum: ModelCallBreakdown = { ...first };
  for (const component of ModelComponent.options) {
    const calls = second[component];
    if (calls !== undefined) sum[component] = (sum[component] ?? 0) + calls;
  }
  return sum;
}

/**
 * What the estimate needs to know of a target's structure, read from its stored configuration: whether the denoiser
 * works on VAE latents, and what conditions it (the guidance scale is a run parameter, not part of the target).
 */
export interface TargetStructure {
  readonly latent: boolean;
  readonly conditioning: 'none' | 'class' | 'text';
  /** Present only for a diffusion target reached through an image-variation API (no denoiser to call). */
  readonly access?: 'image-variation';
}

export const plainTarget: TargetStructure = { latent: false, conditioning: 'none' };
