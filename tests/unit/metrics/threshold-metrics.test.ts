// TPR at a bounded FPR (no interpolation, n/a when unreachable), balanced accuracy, advantage, percentiles,
// and precision/recall at an operating threshold fitted on calibration records or fixed.
import { describe, expect, it } from 'vitest';
import { precisionRecallAtThreshold, thresholdMaximisingBalancedAccuracy } from '../../../src-main/engine/metrics/operating-point';
import { percentileInterval, quantileOfSorted } from '../../../src-main/engine/metrics/percentile';
import { rocCurve } from '../../../src-main/engine/metrics/roc';
import { advantage, balancedAccuracy, tprAtFpr } from '../../../src-main/engine/metrics/threshold-metrics';
import { errorCodeOf, labelsOf, scoresOf } from './fixtures';

// Members 10, 9.5, 5.5, 3.5; non-members 9, 8, …, 0 (ten of them).
const memberScores = [10, 9.5, 5.5, 3.5];
const nonMemberScores = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
const handRoc = rocCurve(
  scoresOf([...memberScores, ...nonMemberScores]),
  labelsOf([...memberScores.map(() => 1), ...nonMemberScores.map(() => 0)]),
);

describe('tprAtFpr', () => {
  it('takes the largest TPR among points whose FPR does not exceed the bound', () => {
    expect(tprAtFpr(handRoc, 0.1)).toBe(0.5); // one false positive allowed: only 10 and 9.5 are above 8
    expect(tprAtFpr(handRoc, 0.5)).toBe(0.75); // five allowed: 5.5 is reached after four
    expect(tprAtFpr(handRoc, 1)).toBe(1);
  });

  it('is n/a when there are fewer than 1/alpha non-members', () => {
    expect(tprAtFpr(handRoc, 0.01)).toBeNull(); // 10 non-members cannot measure 1 %
    expect(tprAtFpr(handRoc, 0.099)).toBeNull();
  });

  it('does not interpolate across a tied group that jumps past the bound', () => {
    // The tie at 0.7 holds one member and two non-members; with one false positive allowed the curve may
    // not enter that step, although interpolating it would give TPR 0.75.
    const scores = scoresOf([1, 0.7, 0.7, 0.7, ...Array.from({ length: 8 }, (_, i) => i / 100)]);
    const labels = labelsOf([1, 1, 0, 0, ...Array.from({ length: 8 }, () => 0)]);
    expect(tprAtFpr(rocCurve(scores, labels), 0.1)).toBe(0.5);
  });

  it('reaches a bound of exactly 1/nonMembers despite rounding in alpha · count', () => {
    const nonMembers = 1000;
    const scores = scoresOf([2, 1.5, ...Array.from({ length: nonMembers }, (_, i) => (i === 0 ? 1.7 : i / nonMembers))]);
    const labels = labelsOf([1, 1, ...Array.from({ length: nonMembers }, () => 0)]);
    expect(tprAtFpr(rocCurve(scores, labels), 0.001)).toBe(1);
  });
});

describe('balanced accuracy and advantage', () => {
  it('take the best threshold of the curve', () => {
    expect(advantage(handRoc)).toBe(0.5);
    expect(balancedAccuracy(handRoc)).toBe(0.75);
  });

  it('never fall below chance (0.5 and 0), even for inverted scores', () => {
    const roc = rocCurve(scoresOf([0, 1]), labelsOf([1, 0]));
    expect(balancedAccuracy(roc)).toBe(0.5);
    expect(advantage(roc)).toBe(0);
  });
});

describe('percentiles', () => {
  it('interpolate linearly between order statistics like numpy.percentile', () => {
    expect(quantileOfSorted(scoresOf([1, 2, 3, 4]), 0.5)).toBe(2.5);
    expect(quantileOfSorted(scoresOf([1, 2, 3, 4, 5]), 0.025)).toBeCloseTo(1.1, 14);
    expect(percentileInterval(scoresOf([5, 1, 4, 2, 3]), 0.95)).toEqual({ low: expect.closeTo(1.1, 14), high: expect.closeTo(4.9, 14) });
    expect(errorCodeOf(() => quantileOfSorted(scoresOf([]), 0.5))).toBe('metrics.empty-sample');
  });
});

describe('operating threshold and precision/recall', () => {
  it('fits the threshold maximising balanced accuracy on calibration scores, halfway to the next score', () => {
    const threshold = thresholdMaximisingBalancedAccuracy(scoresOf([0.9, 0.8, 0.6, 0.4, 0.2]), labelsOf([1, 1, 0, 1, 0]));
    expect(threshold).toBeCloseTo(0.7, 15);
    const result = precisionRecallAtThreshold(scoresOf([0.75, 0.71, 0.65, 0.1]), labelsOf([1, 0, 1, 0]), threshold);
    expect(result).toMatchObject({ precision: 0.5, recall: 0.5, predictedMembers: 2, truePositives: 1 });
  });

  it('prefers the highest threshold among equally good ones', () => {
    // Cutting below 0.9 or below 0.5 both give balanced accuracy 0.75.
    const threshold = thresholdMaximisingBalancedAccuracy(scoresOf([0.9, 0.7, 0.5, 0.3]), labelsOf([1, 0, 1, 0]));
    expect(threshold).toBeCloseTo(0.8, 15);
  });

  it('returns +Infinity when no threshold beats calling nobody a member, and precision is then n/a', () => {
    const threshold = thresholdMaximisingBalancedAccuracy(scoresOf([0.1, 0.2, 0.8, 0.9]), labelsOf([1, 1, 0, 0]));
    expect(threshold).toBe(Infinity);
    expect(precisionRecallAtThreshold(scoresOf([0.5, 0.4]), labelsOf([1, 0]), threshold)).toMatchObject({ precision: null, recall: 0 });
  });

  it('separates adjacent doubles: the threshold never lets the lower calibration score through', () => {
    const upper = 1;
    const lower = 1 - Number.EPSILON / 2;
    const threshold = thresholdMaximisingBalancedAccuracy(scoresOf([upper, lower]), labelsOf([1, 0]));
    expect(upper >= threshold && threshold > lower).toBe(true);
  });

  it('applies a fixed threshold with score ≥ threshold meaning member, and recall is n/a without members', () => {
    const result = precisionRecallAtThreshold(scoresOf([0.5, 0.49, 0.8, 0.2]), labelsOf([1, 1, 0, 0]), 0.5);
    expect(result).toMatchObject({ threshold: 0.5, precision: 0.5, recall: 0.5 });
    expect(precisionRecallAtThreshold(scoresOf([0.7]), labelsOf([0]), 0.5)).toMatchObject({ precision: 0, recall: null });
  });
});
