// ReDiffuse (Li et al. 2024): noise each image n times to step t, DDIM-denoise each copy back to 0, average the
// reconstructions; members come back closer to themselves. Latent models reconstruct in latent space and, by default,
// compare the decoded reconstruction with the original pixels, as a black-box attacker sees the model; comparing
// latents is an option (the `ssim` distance always compares pixels). On an image-variation API (no denoiser) it asks
// for n variations of each record instead, as the paper did with DALL-E 2 (rediffuse-variations.ts).
import { z } from 'zod';
import type { Sample } from '../../diffusion/ddim';
import type { AttackModule } from '../attack-module';
import { meanOfCopies, rediffuseCopies, rediffuseReconstructions } from './diffusion-statistics';
import {
  batchMemoryParam,
  diffusionModelCalls,
  checkTimestep,
  conditioningParams,
  diffusionResult,
  recordsPerBatch,
  type DiffusionContext,
  statisticsInBatches,
} from './diffusion-run';
import type { DiffusionModels, DiffusionTarget, LatentSide } from './diffusion-target';
import { reconstructionDistances } from './image-distance';
import { seededNoise } from './noise-source';
import { rediffuseOnVariations } from './rediffuse-variations';
import { isVariationTarget, type VariationTarget } from './variation-target';

const RediffuseParams = z.strictObject({
  repeats: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe(
      'n: noisy copies of each image, denoised and averaged into one reconstruction. On an image-variation API: the variations asked for in the one request per record (n).',
    ),
  t: z.number().int().min(1).default(200).describe('Timestep the image is noised to before denoising.'),
  stride: z.number().int().min(1).default(100).describe('k: DDIM stride of the walk t → t−k → … → 0 (⌈t/k⌉ model calls per copy).'),
  distance: z
    .enum(['l2', 'l1', 'ssim'])
    .default('l2')
    .describe(
      'How the average reconstruction is compared with the image: squared L2, L1, or 1 − SSIM (on decoded pixels for latent models).',
    ),
  compare: z
    .enum(['pixels', 'latents'])
    .default('pixels')
    .describe(
      "Latent models only: compare the decoded reconstruction with the image in pixel space (the default, what a black-box attacker sees), or the reconstructed latent with the image's latent (l2 and l1 only).",
    ),
  variationSize: z
    .number()
    .int()
    .min(8)
    .max(1024)
    .default(256)
    .describe(
      'Image-variation APIs only: the record is sent, and its variations asked for, at this size × this size (DALL-E 2 offers 256, 512 and 1024); the average of the variations and the record are compared at this size.',
    ),
  batchMemoryMiB: batchMemoryParam,
  ...conditioningParams,
});
type RediffuseParams = z.output<typeof RediffuseParams>;

const stepsOf = (params: RediffuseParams) => Math.ceil(params.t / params.stride);
/** On a latent target, whether each copy is decoded and compared in pixels (the default; `ssim` always compares pixels). */
const decodesCopies = (params: RediffuseParams) => params.compare === 'pixels' || params.distance === 'ssim';

/**
 * The mean decoded image of each record's n latent copies (record-major). One record's copies are decoded at a time:
 * decoded images can be far larger than latents (48× for Stable Diffusion's 512×512 pixels), so the batch size chosen
 * for latents does not bound them.
 */
export async function meanDecodedCopies(latent: LatentSide, copies: Sample, count: number, repeats: number): Promise<Float64Array> {
  const { channels, height, width } = latent.pixelShape;
  const pixelSize = channels * height * width;
  const copySize = copies.length / count;
  const mean = new Float64Array(count * pixelSize);
  for (let item = 0; item < count; item += 1) {
    const decoded = await latent.decode(Float32Array.from(copies.subarray(item * copySize, (item + 1) * copySize)), repeats);
    mean.set(meanOfCopies(decoded, 1, repeats, pixelSize), item * pixelSize);
  }
  return mean;
}

export const rediffuseAttack: AttackModule<typeof RediffuseParams, DiffusionTarget | VariationTarget, DiffusionModels> = {
  id: 'rediffuse',
  family: 'diffusion',
  title: 'ReDiffuse reconstruction (Li et al. 2024)',
  description:
    'Black-box access to a denoiser (ε-prediction). Each image is noised n times to step t with fresh Gaussian noise and denoised back with deterministic DDIM; the n reconstructions are averaged. Members, which the model has fitted, come back closer to themselves. The score is the negated distance between the image and the average reconstruction.',
  params: RediffuseParams,
  needs: { diffusionAccess: ['denoiser', 'image-variation'] },
  estimateModelCalls: (params, counts) =>
    counts.target.access === 'image-variation'
      ? { image_variation: counts.audited }
      : diffusionModelCalls(
          { epsilonEvaluations: params.repeats * stepsOf(params), decodedCopies: decodesCopies(params) ? params.repeats : 0 },
          params,
          counts,
        ),
  async run(ctx) {
    const { params, target } = ctx;
    if (isVariationTarget(target)) return rediffuseOnVariations({ ...ctx, target });
    const denoising: DiffusionContext<RediffuseParams> = { ...ctx, target };
    checkTimestep(target.schedule, 'rediffuse', 't', params.t);
    const callsBefore = target.modelCallsByComponent;
    const batchSize = recordsPerBatch(target.sampleSize, params.repeats, params.batchMemoryMiB);
    const latent = target.latent;
    const statistics = await statisticsInBatches(denoising, batchSize, async (batch) => {
      const x = await target.samples(batch);
      const model = await target.conditionedOn(batch, params);
      const noise = seededNoise(ctx.random, batch);
      if (latent && decodesCopies(params)) {
        // As a black-box attacker sees it: every copy comes back as an image, and the images are averaged (decoding
        // the mean latent instead would be a different statistic, since the decoder is not linear).
        const copies = await rediffuseCopies(model, x, target.sampleSize, noise, params);
        const mean = await meanDecodedCopies(latent, copies, batch.length, params.repeats);
        return reconstructionDistances(await target.pixels(batch), mean, latent.pixelShape, params.distance);
      }
      const reconstructed = await rediffuseReconstructions(model, x, target.sampleSize, noise, params);
      return reconstructionDistances(x, reconstructed, target.sampleShape, params.distance);
    });
    const space = latent ? (decodesCopies(params) ? 'decoded pixels' : 'latent space') : 'pixel space';
    return diffusionResult(denoising, statistics, callsBefore, [
      `ReDiffuse: n = ${params.repeats} noisy copies at t = ${params.t}, DDIM stride ${params.stride} (${stepsOf(params)} steps), distance ${params.distance} in ${space}; ${batchSize} records per batch.`,
    ]);
  },
};
