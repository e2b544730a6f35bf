// QMIA's maths: the pinball loss, the score φ − q̂, the conformal shift, the FPR check at zero and the seeded split.
import { describe, expect, it } from 'vitest';
import { checkFprAtZero, conformalShift, pinballLoss, qmiaScores } from '../../../src-main/engine/attacks/classifier/qmia-math';
import { splitForRegressor } from '../../../src-main/engine/attacks/classifier/qmia-training-split';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';

describe('pinball loss', () => {
  it('weighs scores above the prediction by τ and scores below it by 1 − τ', () => {
    // residuals 2, −1, 0 at τ = 0.9: 0.9·2, 0.1·1, 0 → mean 1.9 / 3
    expect(pinballLoss([3, 0, 5], [1, 1, 5], 0.9)).toBeCloseTo(1.9 / 3, 12);
    // τ = 0.5 is half the mean absolute error.
    expect(pinballLoss([1, -3], [0, 0], 0.5)).toBeCloseTo(1, 12);
  });

  it('is smallest at the τ-quantile of the scores for a constant prediction', () => {
    const scores = Array.from({ length: 101 }, (_, i) => i);
    const at = (q: number) => pinballLoss(scores, new Array<number>(scores.length).fill(q), 0.95);
    expect(at(95)).toBeLessThan(at(90));
    expect(at(95)).toBeLessThan(at(99));
  });

  it('refuses predictions that do not match the scores one to one', () => {
    expect(() => pinballLoss([1, 2], [1], 0.5)).toThrow(/as many predictions as scores/);
  });
});

describe('qmia score and conformal shift', () => {
  it('scores φ − q̂, higher for a record more confident than its predicted quantile', () => {
    expect(Array.from(qmiaScores(Float64Array.of(2, -1), Float64Array.of(0.5, -2)))).toEqual([1.5, 1]);
  });

  it('shifts by the ⌈(n + 1)(1 − α)⌉-th smallest held-out residual', () => {
    const residuals = Array.from({ length: 19 }, (_, i) => i + 1); // 1 … 19
    // n = 19, α = 0.1: rank ⌈20 · 0.9⌉ = 18
    expect(conformalShift(residuals, 0.1)).toEqual({ shift: 18, capped: false });
    // α too small for 19 records (rank 20 > 19): the largest residual, and the run is told.
    expect(conformalShift(residuals, 0.01)).toEqual({ shift: 19, capped: true });
  });

  it('after the shift, a fresh sample of the same distribution exceeds zero at about rate α', () => {
    const random = new SeededRandom(7);
    const alpha = 0.05;
    const heldOut = random.fillNormal(new Float64Array(400));
    const { shift } = conformalShift(heldOut, alpha);
    const fresh = random.fillNormal(new Float64Array(20_000));
    const rate = fresh.filter((r) => r - shift > 0).length / fresh.length;
    expect(rate).toBeGreaterThan(0.03);
    expect(rate).toBeLessThan(0.07);
  });
});

describe('FPR at zero against α', () => {
  it('counts only non-members and gives a two-sided 95 % Clopper–Pearson interval', () => {
    // 500 non-members, 25 above zero (FPR 0.05); members never count.
    const scores = [...new Array<number>(25).fill(1), ...new Array<number>(475).fill(-1), ...new Array<number>(500).fill(1)];
    const members = [...new Array<number>(500).fill(0), ...new Array<number>(500).fill(1)];
    const check = checkFprAtZero(scores, members, 0.05)!;
    expect(check.nonMembers).toBe(500);
    expect(check.falsePositives).toBe(25);
    expect(check.fpr).toBe(0.05);
    // scipy.stats.beta.ppf(0.025, 25, 476) and beta.ppf(0.975, 26, 475)
    expect(check.low).toBeCloseTo(0.0326152, 6);
    expect(check.high).toBeCloseTo(0.0729276, 6);
    expect(check.consistent).toBe(true);
  });

  it('says the rate is not α when the measured FPR is far from it', () => {
    const scores = [...new Array<number>(100).fill(1), ...new Array<number>(400).fill(-1)];
    const check = checkFprAtZero(scores, new Array<number>(500).fill(0), 0.05)!;
    expect(check.fpr).toBe(0.2);
    expect(check.consistent).toBe(false);
    expect(checkFprAtZero(new Array<number>(10).fill(-1), new Array<number>(10).fill(0), 0.05)!.low).toBe(0);
  });

  it('has nothing to check without non-members', () => {
    expect(checkFprAtZero([1, 2], [1, 1], 0.05)).toBeNull();
  });
});

describe('regressor split', () => {
  it('holds out round(n × fraction) records, the same ones for the same seed', () => {
    const a = splitForRegressor(1000, 0.2, new SeededRandom(3));
    const b = splitForRegressor(1000, 0.2, new SeededRandom(3));
    const c = splitForRegressor(1000, 0.2, new SeededRandom(4));
    expect(a.reduce((sum, v) => sum + v, 0)).toBe(200);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});
