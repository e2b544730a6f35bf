// The beta quantile behind the Clopper–Pearson bounds, Φ⁻¹ and the ε(δ) of μ-GDP against numbers scipy computed
// (tools/privacy-reference/privacy_reference.py → tests/fixtures/privacy-reference.json).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { betaQuantile, clopperPearsonUpper, regularizedIncompleteBeta } from '../../../src-main/engine/metrics/clopper-pearson';
import { gdpDelta, gdpEpsilon } from '../../../src-main/engine/metrics/gdp';
import { standardNormalCdf, standardNormalQuantile } from '../../../src-main/engine/metrics/normal-distribution';
import { errorCodeOf } from './fixtures';

interface Reference {
  clopper_pearson_upper: { errors: number; trials: number; confidence: number; upper: number }[];
  normal_quantile: { p: number; z: number }[];
  gdp_epsilon: { mu: number; delta: number; epsilon: number }[];
}

const reference = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'privacy-reference.json'), 'utf8')) as Reference;

function expectRelative(actual: number, expected: number, relative: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));
}

describe('Clopper–Pearson upper bounds', () => {
  test.each(reference.clopper_pearson_upper)('$errors errors in $trials trials at $confidence match scipy', (c) => {
    expectRelative(clopperPearsonUpper(c.errors, c.trials, c.confidence), c.upper, 1e-9);
  });

  test('the beta quantile inverts the incomplete beta function', () => {
    for (const [p, a, b] of [
      [0.3, 2, 7],
      [0.999, 1, 4000],
      [0.05, 300, 20],
    ] as const) {
      expectRelative(regularizedIncompleteBeta(betaQuantile(p, a, b), a, b), p, 1e-10);
    }
  });

  test('refuses counts that are not a binomial outcome', () => {
    expect(errorCodeOf(() => clopperPearsonUpper(5, 4, 0.95))).toBe('metrics.invalid-count');
    expect(errorCodeOf(() => clopperPearsonUpper(1.5, 4, 0.95))).toBe('metrics.invalid-count');
    expect(errorCodeOf(() => clopperPearsonUpper(1, 4, 1))).toBe('metrics.invalid-confidence');
  });
});

describe('the standard normal quantile', () => {
  test.each(reference.normal_quantile)('Φ⁻¹($p) matches scipy', ({ p, z }) => {
    expect(Math.abs(standardNormalQuantile(p) - z)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(z)));
  });

  test('is the inverse of Φ', () => {
    for (const z of [-6, -1.5, 0, 0.3, 2.5]) expect(standardNormalQuantile(standardNormalCdf(z))).toBeCloseTo(z, 9);
  });
});

describe('ε(δ) of μ-GDP', () => {
  test.each(reference.gdp_epsilon)('μ = $mu at δ = $delta matches scipy', ({ mu, delta, epsilon }) => {
    expectRelative(gdpEpsilon(mu, delta), epsilon, 1e-8);
    expectRelative(gdpDelta(mu, epsilon), delta, 1e-6);
  });
});
