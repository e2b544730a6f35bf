// The Gaussian-DP μ fitted to a ROC by area matching (μ = √2·Φ⁻¹(AUC)): it recovers the distance of two unit-variance
// Gaussians, is 0 without separation and n/a for a perfect one; and a run's metrics carry it with the ε lower bound.
import { describe, expect, test } from 'vitest';
import { gdpMuFromAuc } from '../../../src-main/engine/metrics/gdp';
import { auc } from '../../../src-main/engine/metrics/roc';
import { computeRunMetrics } from '../../../src-main/engine/metrics/run-metrics';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import { readEpsilonBound, readGdpMu } from '../../../src-shared/domain/privacy-bound';

function gaussianScores(perClass: number, mu: number, seed: string) {
  const random = new SeededRandom(seed);
  const scores = new Float64Array(2 * perClass);
  const labels = new Uint8Array(2 * perClass);
  for (let i = 0; i < scores.length; i++) {
    labels[i] = i < perClass ? 1 : 0;
    scores[i] = random.normal() + (i < perClass ? mu : 0);
  }
  return { scores, labels };
}

describe('the Gaussian-DP μ fit', () => {
  test.each([0.25, 0.5, 1, 2, 3])('recovers μ = %s from 20,000 Gaussian scores per class', (mu) => {
    const { scores, labels } = gaussianScores(20_000, mu, `mu-${mu}`);
    const fitted = gdpMuFromAuc(auc(scores, labels)).mu!;
    // The AUC's standard error at this size moves μ by a few hundredths; the tolerance grows where the ROC flattens.
    expect(Math.abs(fitted - mu)).toBeLessThan(0.03 + 0.02 * mu);
  });

  test('is 0 when the scores do not separate the classes, and n/a when they separate them completely', () => {
    expect(gdpMuFromAuc(0.5).mu).toBe(0);
    expect(gdpMuFromAuc(0.3).mu).toBe(0);
    const perfect = gdpMuFromAuc(1);
    expect(perfect.mu).toBeNull();
    expect(perfect.note).toMatch(/^n\/a/);
  });
});

describe("a run's metrics", () => {
  test('carry the ε bound with δ, confidence, method and guesses, and μ, in rows that read back', () => {
    const data = gaussianScores(300, 1.5, 'run');
    const calibration = gaussianScores(100, 1.5, 'run-calibration');
    const withCalibration = computeRunMetrics({
      ...data,
      random: new SeededRandom(1),
      bootstrapResamples: 0,
      operatingPoint: { source: 'calibration', ...calibration },
      epsilonDelta: 1e-6,
    });
    const bound = readEpsilonBound(withCalibration.metrics)!;
    expect(bound).toMatchObject({ delta: 1e-6, confidence: 0.95, method: 'calibration-split', guesses: 600 });
    expect(bound.value).toBeGreaterThan(0);
    expect(readGdpMu(withCalibration.metrics)!.value).toBeCloseTo(gdpMuFromAuc(auc(data.scores, data.labels)).mu!, 12);

    const without = computeRunMetrics({ ...data, random: new SeededRandom(1), bootstrapResamples: 0 });
    expect(readEpsilonBound(without.metrics)).toMatchObject({ delta: 1e-5, method: 'bonferroni', guesses: 600 });
  });

  test('say n/a when a class is missing, and older runs without the rows read as no bound', () => {
    const metrics = computeRunMetrics({
      scores: Float64Array.from([1, 2]),
      labels: Uint8Array.from([1, 1]),
      random: new SeededRandom(1),
    });
    const bound = readEpsilonBound(metrics.metrics)!;
    expect(bound.value).toBeNull();
    expect(bound.note).toMatch(/^n\/a/);
    expect(readEpsilonBound(metrics.metrics.filter((row) => !row.name.startsWith('epsilon_lb')))).toBeNull();
  });
});
