// The power curve of set-level inference: for suspect sets smaller than the one audited, how often the Mann–Whitney
// test would still have detected them. Each point draws seeded subsets of the suspects (without replacement) and
// tests them against every nonmember-reference score, so an auditor sees how many suspect records a claim needs.
import { MiaError } from '../../common/errors';
import type { SeededRandom } from '../random/seeded-random';
import { mannWhitneyGreater } from './mann-whitney';

/** Set sizes tried by default; sizes above the number of suspects are left out. */
export const defaultPowerSizes: readonly number[] = [5, 10, 20, 50, 100, 200, 500, 1000];

export interface PowerPoint {
  readonly size: number;
  readonly draws: number;
  /** Fraction of the draws whose p-value was below `alpha`. */
  readonly power: number;
}

export interface PowerCurveRequest {
  readonly suspects: Float64Array;
  readonly references: Float64Array;
  readonly random: SeededRandom;
  /** The significance level of the power curve. */
  readonly alpha: number;
  /** Subsamples per point of the power curve. */
  readonly draws: number;
  readonly sizes?: readonly number[];
}

export function setInferencePowerCurve(request: PowerCurveRequest): PowerPoint[] {
  const { suspects, references, random, alpha, draws } = request;
  if (!Number.isInteger(draws) || draws < 1) {
    throw new MiaError('metrics.invalid-power-draws', `The power curve's draws must be a whole number ≥ 1; got ${draws}.`);
  }
  const sizes = (request.sizes ?? defaultPowerSizes).filter((size) => size >= 1 && size <= suspects.length);
  return sizes.map((size) => {
    // One stream per size: adding or removing a size leaves the other points unchanged.
    const stream = random.fork(`power/${size}`);
    let detected = 0;
    for (let draw = 0; draw < draws; draw++) {
      const picked = stream.sampleWithoutReplacement(suspects.length, size);
      const subset = Float64Array.from(picked, (index) => suspects[index]!);
      if (mannWhitneyGreater(subset, references).pValue < alpha) detected++;
    }
    return { size, draws, power: detected / draws };
  });
}
