// Small helpers shared by the metrics tests: typed-array builders, synthetic scores and a brute-force AUC.
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
export { errorCodeOf } from '../../helpers/error-code';
export { bruteForceAuc } from '../../helpers/reference-metrics';

export function scoresOf(values: readonly number[]): Float64Array {
  return Float64Array.from(values);
}

export function labelsOf(values: readonly number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** Members score N(shift, 1), non-members N(0, 1); `decimals` rounds the scores to create ties. */
export function syntheticScores(count: number, seed: number, shift = 0.5, decimals?: number): { scores: Float64Array; labels: Uint8Array } {
  const random = new SeededRandom(seed);
  const scores = new Float64Array(count);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = random.next() < 0.5 ? 1 : 0;
    const value = random.normal() + shift * labels[i]!;
    scores[i] = decimals === undefined ? value : Number(value.toFixed(decimals));
  }
  return { scores, labels };
}
