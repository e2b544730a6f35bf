// PIA and PIAN (Kong et al. 2024): the model's own ε at t = 0 is used as the noise to reach step t; members'
// predictions at t agree with it better. PIAN first rescales ε₀ to the scale of Gaussian noise. PIAN is a separate
// attack id (not a parameter of PIA) so that runs, reports and comparisons name the statistic they used.
import { z } from 'zod';
import type { AttackModule } from '../attack-module';
import { piaStatistics } from './diffusion-statistics';
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

const PiaParams = z.strictObject({
  t: z.number().int().min(1).default(200).describe('Timestep at which the prediction is compared with ε₀ = ε_θ(x, 0).'),
  batchMemoryMiB: batchMemoryParam,
  ...conditioningParams,
});

function piaModule(
  id: 'pia' | 'pian',
  title: string,
  description: string,
): AttackModule<typeof PiaParams, DiffusionTarget, DiffusionModels> {
  const gaussianScale = id === 'pian';
  return {
    id,
    family: 'diffusion',
    title,
    description,
    params: PiaParams,
    needs: {},
    estimateModelCalls: (params, counts) => diffusionModelCalls({ epsilonEvaluations: 2, decodedCopies: 0 }, params, counts),
    async run(ctx) {
      const { params, target } = ctx;
      checkTimestep(target.schedule, id, 't', params.t);
      const callsBefore = target.modelCallsByComponent;
      const batchSize = recordsPerBatch(target.sampleSize, 1, params.batchMemoryMiB);
      const statistics = await statisticsInBatches(ctx, batchSize, async (batch) =>
        piaStatistics(await target.conditionedOn(batch, params), await target.samples(batch), target.sampleSize, {
          t: params.t,
          gaussianScale,
        }),
      );
      return diffusionResult(ctx, statistics, callsBefore, [
        `${id === 'pian' ? 'PIAN (ε₀ rescaled to Gaussian scale)' : 'PIA'}: t = ${params.t}, statistic ‖ε₀ − ε_θ(x_t, t)‖₄⁴${target.latent ? ', in latent space' : ''}.`,
      ]);
    },
  };
}

export const piaAttack = piaModule(
  'pia',
  'Proximal initialisation attack, PIA (Kong et al. 2024)',
  "Access to a denoiser (ε-prediction). The model's own prediction at t = 0, ε₀ = ε_θ(x, 0), is used as the noise that takes the image to step t; the score is the negated ‖ε₀ − ε_θ(x_t, t)‖₄⁴, which is smaller for members. Deterministic, two model calls per image.",
);

export const pianAttack = piaModule(
  'pian',
  'PIAN, PIA with normalised ε₀ (Kong et al. 2024)',
  'As PIA, but ε₀ is first rescaled to the scale of standard Gaussian noise (ε₀ / mean|ε₀| · √(2/π)) before it is used to noise the image and compared with the prediction at t. Meant for models whose ε₀ is far from Gaussian in scale.',
);
