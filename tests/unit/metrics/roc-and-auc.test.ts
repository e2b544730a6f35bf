// ROC over all thresholds with ties as one step, and AUC as Mann–Whitney with ties ½: hand-computed cases,
// input validation and properties on random data.
import { describe, expect, it } from 'vitest';
import { auc, rocCurve } from '../../../src-main/engine/metrics/roc';
import { bruteForceAuc, errorCodeOf, labelsOf, scoresOf, syntheticScores } from './fixtures';

function trapezoidArea(fpr: Float64Array, tpr: Float64Array): number {
  let area = 0;
  for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
  return area;
}

describe('rocCurve and auc on hand-computed cases', () => {
  it('steps through every distinct score from the (0, 0) point at +Infinity', () => {
    const roc = rocCurve(scoresOf([0.9, 0.8, 0.7, 0.6]), labelsOf([1, 0, 1, 0]));
    expect([...roc.thresholds]).toEqual([Infinity, 0.9, 0.8, 0.7, 0.6]);
    expect([...roc.fpr]).toEqual([0, 0, 0.5, 0.5, 1]);
    expect([...roc.tpr]).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(auc(scoresOf([0.9, 0.8, 0.7, 0.6]), labelsOf([1, 0, 1, 0]))).toBe(0.75);
  });

  it('treats tied scores as one step and counts a member–non-member tie as one half', () => {
    const scores = scoresOf([0.5, 0.5, 0.3, 0.3, 0.1]);
    const labels = labelsOf([1, 0, 1, 1, 0]);
    const roc = rocCurve(scores, labels);
    expect([...roc.thresholds]).toEqual([Infinity, 0.5, 0.3, 0.1]);
    expect([...roc.fpr]).toEqual([0, 0.5, 0.5, 1]);
    expect([...roc.tpr]).toEqual([0, 1 / 3, 1, 1]);
    // Non-member at 0.5 ties one member (½); non-member at 0.1 loses to all three: 3.5 of 6 pairs.
    expect(auc(scores, labels)).toBeCloseTo(3.5 / 6, 15);
  });

  it('gives AUC 0.5 and a single diagonal step when every score is tied', () => {
    const scores = scoresOf([2, 2, 2, 2, 2]);
    const labels = labelsOf([1, 0, 0, 1, 0]);
    const roc = rocCurve(scores, labels);
    expect([...roc.fpr]).toEqual([0, 1]);
    expect([...roc.tpr]).toEqual([0, 1]);
    expect(auc(scores, labels)).toBe(0.5);
  });

  it('handles a single member ranked below every non-member', () => {
    expect(auc(scoresOf([0.2, 0.5, 0.9]), labelsOf([1, 0, 0]))).toBe(0);
    expect(auc(scoresOf([0.95, 0.5, 0.9]), labelsOf([1, 0, 0]))).toBe(1);
  });

  it('treats −0 and +0 as one score and accepts infinite scores', () => {
    expect(auc(scoresOf([0, -0]), labelsOf([1, 0]))).toBe(0.5);
    expect(rocCurve(scoresOf([0, -0]), labelsOf([1, 0])).fpr.length).toBe(2);
    expect(auc(scoresOf([Infinity, -Infinity, 1, -Infinity]), labelsOf([1, 0, 1, 0]))).toBe(1);
    expect(auc(scoresOf([-Infinity, -Infinity]), labelsOf([1, 0]))).toBe(0.5);
  });

  it('refuses inputs without both classes, with NaN scores, other labels or mismatched lengths', () => {
    expect(errorCodeOf(() => auc(scoresOf([1, 2]), labelsOf([1, 1])))).toBe('metrics.missing-class');
    expect(errorCodeOf(() => rocCurve(scoresOf([1, 2]), labelsOf([0, 0])))).toBe('metrics.missing-class');
    expect(errorCodeOf(() => auc(scoresOf([]), labelsOf([])))).toBe('metrics.missing-class');
    expect(errorCodeOf(() => auc(scoresOf([1, NaN]), labelsOf([1, 0])))).toBe('metrics.invalid-score');
    expect(errorCodeOf(() => auc(scoresOf([1, 2]), labelsOf([1, 2])))).toBe('metrics.invalid-label');
    expect(errorCodeOf(() => auc(scoresOf([1, 2, 3]), labelsOf([1, 0])))).toBe('metrics.length-mismatch');
  });
});

describe('auc properties on random data', () => {
  it('equals the brute-force Mann–Whitney statistic, with and without heavy ties', () => {
    for (const [seed, decimals] of [
      [1, undefined],
      [2, 1],
      [3, 0],
      [4, 2],
    ] as const) {
      const { scores, labels } = syntheticScores(400, seed, 0.4, decimals);
      expect(auc(scores, labels)).toBeCloseTo(bruteForceAuc(scores, labels), 12);
    }
  });

  it('equals the trapezoid area under the tie-aware ROC', () => {
    const { scores, labels } = syntheticScores(500, 5, 0.7, 1);
    const roc = rocCurve(scores, labels);
    expect(trapezoidArea(roc.fpr, roc.tpr)).toBeCloseTo(auc(scores, labels), 12);
  });

  it('is unchanged by strictly increasing transforms of the scores', () => {
    const { scores, labels } = syntheticScores(300, 6, 0.5, 2);
    const reference = auc(scores, labels);
    expect(
      auc(
        scores.map((s) => Math.exp(s)),
        labels,
      ),
    ).toBe(reference);
    expect(
      auc(
        scores.map((s) => s ** 3),
        labels,
      ),
    ).toBe(reference);
    expect(
      auc(
        scores.map((s) => 5 * s + 3),
        labels,
      ),
    ).toBe(reference);
  });

  it('gives 1 − AUC when the scores are negated', () => {
    const { scores, labels } = syntheticScores(300, 7, 0.8, 1);
    expect(
      auc(
        scores.map((s) => -s),
        labels,
      ),
    ).toBeCloseTo(1 - auc(scores, labels), 14);
  });

  it('gives a non-decreasing ROC from (0, 0) to (1, 1)', () => {
    const { scores, labels } = syntheticScores(300, 8, 0.3, 1);
    const roc = rocCurve(scores, labels);
    expect([roc.fpr[0], roc.tpr[0], roc.fpr.at(-1), roc.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    for (let i = 1; i < roc.fpr.length; i++) {
      expect(roc.fpr[i]! >= roc.fpr[i - 1]! && roc.tpr[i]! >= roc.tpr[i - 1]!).toBe(true);
      expect(roc.thresholds[i]!).toBeLessThan(roc.thresholds[i - 1]!);
    }
  });
});
