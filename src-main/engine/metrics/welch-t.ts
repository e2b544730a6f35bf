// Welch's one-sided t-test for set-level inference: is the suspects' mean score above the non-member references'
// mean, without assuming equal variances? It tests means, so it complements the rank test (mann-whitney.ts) where
// means are meaningful: with at least `welchMinimumGroupSize` records per group the central limit theorem makes the
// t statistic close to Student's t for any score distribution with a finite variance; below that it holds only for
// roughly normal scores, and the Mann–Whitney p-value is the one to read.
import { MiaError } from '../../common/errors';
import { regularizedIncompleteBeta } from './clopper-pearson';

export const welchMinimumGroupSize = 30;

export interface WelchResult {
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom (fractional). */
  readonly degreesOfFreedom: number;
  /** P(T ≥ t) under the null of equal means. */
  readonly pValue: number;
  /** Cohen's d: the mean difference over the pooled standard deviation. */
  readonly cohensD: number;
  /** Whether both groups have at least `welchMinimumGroupSize` records (see the file comment). */
  readonly appropriate: boolean;
}

export function welchGreater(suspects: Float64Array, references: Float64Array): WelchResult {
  const n1 = suspects.length;
  const n2 = references.length;
  if (n1 < 2 || n2 < 2) {
    throw new MiaError(
      'metrics.welch-too-small',
      `Welch's t-test needs at least two suspect and two nonmember-reference scores; got ${n1} and ${n2}.`,
    );
  }
  const first = meanAndVariance(suspects);
  const second = meanAndVariance(references);
  const se1 = first.variance / n1;
  const se2 = second.variance / n2;
  const difference = first.mean - second.mean;
  const pooledSd = Math.sqrt(((n1 - 1) * first.variance + (n2 - 1) * second.variance) / (n1 + n2 - 2));
  const appropriate = n1 >= welchMinimumGroupSize && n2 >= welchMinimumGroupSize;
  if (se1 + se2 === 0) {
    // Both groups constant: the sign of the difference is certain, or there is none.
    return {
      t: difference === 0 ? 0 : Math.sign(difference) * Infinity,
      degreesOfFreedom: n1 + n2 - 2,
      pValue: difference > 0 ? 0 : 1,
      cohensD: 0,
      appropriate,
    };
  }
  const t = difference / Math.sqrt(se1 + se2);
  const degreesOfFreedom = (se1 + se2) ** 2 / (se1 ** 2 / (n1 - 1) + se2 ** 2 / (n2 - 1));
  return { t, degreesOfFreedom, pValue: studentUpperTail(t, degreesOfFreedom), cohensD: difference / pooledSd, appropriate };
}

function meanAndVariance(values: Float64Array): { mean: number; variance: number } {
  let mean = 0;
  for (const value of values) mean += value;
  mean /= values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return { mean, variance: squares / (values.length - 1) };
}

/** P(T ≥ t) for Student's t with ν degrees of freedom: ½·I_{ν/(ν+t²)}(ν/2, ½) for t > 0, by symmetry otherwise. */
function studentUpperTail(t: number, nu: number): number {
  const tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), nu / 2, 0.5);
  return t > 0 ? tail : 1 - tail;
}
