// The parameters of a set-inference run: the base attack that scores the records (any attack of the registry, with
// its own parameters), and how the power curve is drawn.
import { z } from 'zod';
import { defaultPowerSizes } from '../../metrics/set-inference-power';

export const SetInferenceParams = z.strictObject({
  /** The id of the attack whose scores are tested, e.g. `rediffuse`, `csa`, `loss`. */
  base: z.string().min(1),
  /** The base attack's parameters, parsed by its own schema. */
  baseParams: z.record(z.string(), z.unknown()).default({}),
  /** Significance level of the power curve. */
  alpha: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.01)
    .describe('Significance level of the power curve: a subset counts as detected when its p-value is below it.'),
  /** Seeded subsamples per set size of the power curve. */
  powerDraws: z.number().int().min(1).max(10_000).default(200).describe('Seeded subsets of the suspects drawn per set size.'),
  powerSizes: z
    .array(z.number().int().positive())
    .min(1)
    .max(20)
    .default([...defaultPowerSizes])
    .describe('Suspect-set sizes of the power curve; sizes above the number of suspects are left out.'),
});
export type SetInferenceParams = z.output<typeof SetInferenceParams>;
