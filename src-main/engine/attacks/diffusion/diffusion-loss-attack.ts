// The diffusion loss (Matsumoto et al. 2023): the model's training loss at one timestep, averaged over n noise
// draws. Members were fitted, so their loss is lower. Named diffusion-loss because `loss` is the classifier attack.
import { z } from 'zod';
import type { AttackModule } from '../attack-module';
import { lossStatistics } from './diffusion-statistics';
import {
  batchMemoryParam,
  diffusionModelCalls,
  checkTimestep,
  conditioningParams,
  diffusionResult,
  recordsPerBatch,
  statisticsInBatches,
} from './diffusion-run';
import type { DiffusionModels, DiffusionTarget } from './diffusion-target';
import { seededNoise } from './noise-source';

const LossParams = z.strictObject({
  t: z.number().int().min(1).default(100).describe('Timestep at which the denoising loss is measured.'),
  repeats: z.number().int().min(1).max(1000).default(4).describe('n: noise draws the loss is averaged over (one model call each).'),
  batchMemoryMiB: batchMemoryParam,
  ...conditioningParams,
});

export const diffusionLossAttack: AttackModule<typeof LossParams, DiffusionTarget, DiffusionModels> = {
  id: 'diffusion-loss',
  family: 'diffusion',
  title: 'Denoising loss threshold (Matsumoto et al. 2023)',
  description:
    "Access to a denoiser (ε-prediction). The image is noised to step t with n fresh Gaussian draws ε_r; the score is the negated mean of ‖ε_r − ε_θ(x_t, t)‖², the model's own training loss, which is lower on members.",
  params: LossParams,
  needs: {},
  estimateModelCalls: (params, counts) => diffusionModelCalls({ epsilonEvaluations: params.repeats, decodedCopies: 0 }, params, counts),
  async run(ctx) {
    const { params, target } = ctx;
    checkTimestep(target.schedule, 'diffusion-loss', 't', params.t);
    const callsBefore = target.modelCallsByComponent;
    const batchSize = recordsPerBatch(target.sampleSize, params.repeats, params.batchMemoryMiB);
    const statistics = await statisticsInBatches(ctx, batchSize, async (batch) =>
      lossStatistics(
        await target.conditionedOn(batch, params),
        await target.samples(batch),
        target.sampleSize,
        seededNoise(ctx.random, batch),
        params,
      ),
    );
    return diffusionResult(ctx, statistics, callsBefore, [
      `Diffusion loss: t = ${params.t}, averaged over n = ${params.repeats} noise draws${target.latent ? ', in latent space' : ''}.`,
    ]);
  },
};
