// Percentiles of a sample with linear interpolation between order statistics (numpy's default method),
// so bootstrap intervals can be checked against numpy.percentile.
import { MiaError } from '../../common/errors';

/** The q-quantile (q in [0, 1]) of `sortedAscending`, which must already be sorted. */
export function quantileOfSorted(sortedAscending: Float64Array, q: number): number {
  if (sortedAscending.length === 0) throw new MiaError('metrics.empty-sample', 'Cannot take a percentile of an empty sample.');
  if (!(q >= 0 && q <= 1)) throw new MiaError('metrics.invalid-quantile', `A quantile must lie in [0, 1]; got ${String(q)}.`, { q });
  const position = q * (sortedAscending.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sortedAscending.length - 1);
  const fraction = position - below;
  const low = sortedAscending[below]!;
  const high = sortedAscending[above]!;
  return fraction === 0 ? low : low + (high - low) * fraction;
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** The central percentile interval holding `confidence` of the sample; sorts `sample` in place. */
export function percentileInterval(sample: Float64Array, confidence: number): Interval {
  sample.sort();
  const tail = (1 - confidence) / 2;
  return { low: quantileOfSorted(sample, tail), high: quantileOfSorted(sample, 1 - tail) };
}
