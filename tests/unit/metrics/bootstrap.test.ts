// Stratified bootstrap intervals: agree with a naive resample-and-recount bootstrap drawing the same indices (its
// AUC, TPR@FPR, advantage and percentiles computed by brute force, not by the engine's ROC code), are deterministic
// for a seed, contain the point estimate, and are n/a for unreachable FPR bounds.
import { describe, expect, it } from 'vitest';
import { bootstrapIntervals } from '../../../src-main/engine/metrics/bootstrap';
import { rankScores } from '../../../src-main/engine/metrics/ranked-scores';
import { aucFromRanked } from '../../../src-main/engine/metrics/roc';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import { bruteForceAdvantage, bruteForceAuc, bruteForceTprAtFpr, linearPercentile } from '../../helpers/reference-metrics';
import { errorCodeOf, syntheticScores } from './fixtures';

/** The central 95% interval of a sample, as numpy.percentile(sample, [2.5, 97.5]) gives it. */
const interval95 = (sample: readonly number[]) => ({ low: linearPercentile(sample, 0.025), high: linearPercentile(sample, 0.975) });

/** Resamples members and non-members separately and recomputes everything by brute force, drawing indices in the same order. */
function naiveBootstrap(scores: Float64Array, labels: Uint8Array, seed: number, resamples: number, alphas: number[]) {
  const random = new SeededRandom(seed);
  const memberScores = scores.filter((_, i) => labels[i] === 1);
  const nonMemberScores = scores.filter((_, i) => labels[i] === 0);
  const aucs: number[] = [];
  const advantages: number[] = [];
  const tprs: number[][] = alphas.map(() => []);
  for (let r = 0; r < resamples; r++) {
    const drawnMembers = Array.from(memberScores, () => memberScores[random.nextInt(memberScores.length)]!);
    const drawnNonMembers = Array.from(nonMemberScores, () => nonMemberScores[random.nextInt(nonMemberScores.length)]!);
    const resampledScores = [...drawnMembers, ...drawnNonMembers];
    const resampledLabels = resampledScores.map((_, i) => (i < drawnMembers.length ? 1 : 0));
    aucs.push(bruteForceAuc(resampledScores, resampledLabels));
    advantages.push(bruteForceAdvantage(resampledScores, resampledLabels));
    alphas.forEach((alpha, b) => tprs[b]!.push(bruteForceTprAtFpr(resampledScores, resampledLabels, alpha)!));
  }
  return { auc: interval95(aucs), advantage: interval95(advantages), tprAtFpr: tprs.map(interval95) };
}

describe('bootstrapIntervals', () => {
  it('matches a naive bootstrap that resamples records and recomputes each figure by brute force', () => {
    const { scores, labels } = syntheticScores(300, 21, 0.6, 1);
    const alphas = [0.01, 0.1];
    const fast = bootstrapIntervals(rankScores(scores, labels), { random: new SeededRandom(99), resamples: 200, fprBounds: alphas });
    const naive = naiveBootstrap(scores, labels, 99, 200, alphas);
    expect(fast.auc.low).toBeCloseTo(naive.auc.low, 12);
    expect(fast.auc.high).toBeCloseTo(naive.auc.high, 12);
    expect(fast.advantage.low).toBeCloseTo(naive.advantage.low, 12);
    expect(fast.advantage.high).toBeCloseTo(naive.advantage.high, 12);
    alphas.forEach((_, b) => {
      expect(fast.tprAtFpr[b]!.interval!.low).toBeCloseTo(naive.tprAtFpr[b]!.low, 12);
      expect(fast.tprAtFpr[b]!.interval!.high).toBeCloseTo(naive.tprAtFpr[b]!.high, 12);
    });
  });

  it('gives the same intervals for the same seed and different ones for another seed', () => {
    const ranked = rankScores(...(Object.values(syntheticScores(500, 22)) as [Float64Array, Uint8Array]));
    const first = bootstrapIntervals(ranked, { random: new SeededRandom(1), resamples: 300, fprBounds: [0.01] });
    const again = bootstrapIntervals(ranked, { random: new SeededRandom(1), resamples: 300, fprBounds: [0.01] });
    const other = bootstrapIntervals(ranked, { random: new SeededRandom(2), resamples: 300, fprBounds: [0.01] });
    expect(again).toEqual(first);
    expect(other.auc).not.toEqual(first.auc);
  });

  it('contains the point estimate on a reasonable sample, and narrows as the sample grows', () => {
    const small = syntheticScores(400, 23, 0.5);
    const large = syntheticScores(8000, 24, 0.5);
    const widths: number[] = [];
    for (const { scores, labels } of [small, large]) {
      const ranked = rankScores(scores, labels);
      const point = aucFromRanked(ranked);
      const intervals = bootstrapIntervals(ranked, { random: new SeededRandom(5), resamples: 400 });
      expect(intervals.auc.low).toBeLessThan(point);
      expect(intervals.auc.high).toBeGreaterThan(point);
      widths.push(intervals.auc.high - intervals.auc.low);
    }
    expect(widths[1]!).toBeLessThan(widths[0]! / 2);
  });

  it('reports no interval for an FPR bound the non-members cannot reach', () => {
    const { scores, labels } = syntheticScores(150, 25);
    const intervals = bootstrapIntervals(rankScores(scores, labels), {
      random: new SeededRandom(3),
      resamples: 50,
      fprBounds: [0.001, 0.1],
    });
    expect(intervals.tprAtFpr[0]).toEqual({ alpha: 0.001, interval: null });
    expect(intervals.tprAtFpr[1]!.interval).not.toBeNull();
  });

  it('refuses fewer than two resamples and confidences outside (0, 1)', () => {
    const ranked = rankScores(...(Object.values(syntheticScores(20, 26)) as [Float64Array, Uint8Array]));
    expect(errorCodeOf(() => bootstrapIntervals(ranked, { random: new SeededRandom(1), resamples: 1 }))).toBe('metrics.invalid-bootstrap');
    expect(errorCodeOf(() => bootstrapIntervals(ranked, { random: new SeededRandom(1), confidence: 1 }))).toBe('metrics.invalid-bootstrap');
  });
});
