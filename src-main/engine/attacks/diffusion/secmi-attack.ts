// SecMI (Duan et al. 2023): the t-error of a deterministic DDIM round trip. Invert the image to t, step once more
// up and once back down; members, fitted by the model, move less. Deterministic: no noise is drawn.
import { z } from 'zod';
import type { AttackModule } from '../attack-module';
import { secmiStatistics } from './diffusion-statistics';
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

const SecmiParams = z.strictObject({
  t: z.number().int().min(1).default(100).describe('t_sec: timestep the image is inverted to with deterministic DDIM.'),
  stride: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('k: DDIM stride of the inversion 0 → k → … → t_sec and of the final step up and back.'),
  batchMemoryMiB: batchMemoryParam,
  ...conditioningParams,
});
type SecmiParams = z.output<typeof SecmiParams>;

const callsPerRecord = (params: SecmiParams) => Math.ceil(params.t / params.stride) + 2;

export const secmiAttack: AttackModule<typeof SecmiParams, DiffusionTarget, DiffusionModels> = {
  id: 'secmi',
  family: 'diffusion',
  title: 'SecMI t-error (Duan et al. 2023)',
  description:
    'Access to a denoiser (ε-prediction). The image is inverted with deterministic DDIM from 0 to t_sec; one further inversion step to t_sec + k followed by one denoising step back to t_sec should return to the same point. The score is the negated squared distance between the two (the t-error), which is smaller for members.',
  params: SecmiParams,
  needs: {},
  estimateModelCalls: (params, counts) =>
    diffusionModelCalls({ epsilonEvaluations: callsPerRecord(params), decodedCopies: 0 }, params, counts),
  async run(ctx) {
    const { params, target } = ctx;
    checkTimestep(target.schedule, 'secmi', 't', params.t, params.stride);
    const callsBefore = target.modelCallsByComponent;
    // The inversion holds one copy per record; the final step up and back adds two more states.
    const batchSize = recordsPerBatch(target.sampleSize, 1, params.batchMemoryMiB);
    const statistics = await statisticsInBatches(ctx, batchSize, async (batch) =>
      secmiStatistics(await target.conditionedOn(batch, params), await target.samples(batch), target.sampleSize, params),
    );
    return diffusionResult(ctx, statistics, callsBefore, [
      `SecMI: DDIM inversion 0 → ${params.t} with stride ${params.stride}, then ${params.t} → ${params.t + params.stride} → ${params.t}; ${callsPerRecord(params)} model calls per record${target.latent ? ', in latent space' : ''}.`,
    ]);
  },
};
