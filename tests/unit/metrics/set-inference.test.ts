// Set-level inference statistics: the one-sided Mann–Whitney and Welch tests and ln Γ against scipy
// (tools/set-inference-reference/set_inference_reference.py → tests/fixtures/set-inference-reference.json), its
// p-values uniform under the null, and the power curve growing with the suspect set's size.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { logGamma } from '../../../src-main/engine/metrics/log-gamma';
import { mannWhitneyGreater } from '../../../src-main/engine/metrics/mann-whitney';
import { setInferencePowerCurve } from '../../../src-main/engine/metrics/set-inference-power';
import { welchGreater } from '../../../src-main/engine/metrics/welch-t';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import { errorCodeOf } from './fixtures';

interface Reference {
  mann_whitney_greater: {
    suspects: number[];
    references: number[];
    u: number;
    p_normal: number;
    p_exact?: number;
    welch_t?: number;
    welch_p?: number;
    welch_df?: number;
  }[];
  log_gamma: { x: number; value: number }[];
  ks_critical_500_at_0_01: number;
}

const reference = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'set-inference-reference.json'), 'utf8'),
) as Reference;

function normals(random: SeededRandom, count: number, shift: number): Float64Array {
  return Float64Array.from({ length: count }, () => random.normal() + shift);
}

/** The Kolmogorov–Smirnov distance between the empirical distribution of `values` and Uniform(0, 1). */
function ksDistanceFromUniform(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  let distance = 0;
  sorted.forEach((value, i) => {
    distance = Math.max(distance, (i + 1) / sorted.length - value, value - i / sorted.length);
  });
  return distance;
}

/** p-values of `simulations` seeded experiments: `suspects` scores N(shift, 1) against `references` scores N(0, 1). */
function simulatedPValues(simulations: number, suspects: number, references: number, shift: number): number[] {
  const random = new SeededRandom('set-inference-null');
  return Array.from(
    { length: simulations },
    () => mannWhitneyGreater(normals(random, suspects, shift), normals(random, references, 0)).pValue,
  );
}

describe('one-sided Mann–Whitney U', () => {
  test.each(reference.mann_whitney_greater.map((c, i) => ({ ...c, name: `${c.suspects.length} vs ${c.references.length} (#${i})` })))(
    '$name matches scipy',
    (c) => {
      const result = mannWhitneyGreater(Float64Array.from(c.suspects), Float64Array.from(c.references));
      expect(result.u).toBe(c.u);
      const expected = c.p_exact ?? c.p_normal;
      expect(result.method).toBe(c.p_exact === undefined ? 'normal' : 'exact');
      expect(Math.abs(result.pValue - expected)).toBeLessThanOrEqual(1e-9 * Math.max(expected, 1e-12) + 1e-14);
    },
  );

  test('the effect sizes follow U: all suspects above every reference is 1 and 1', () => {
    const result = mannWhitneyGreater(Float64Array.from([5, 6, 7]), Float64Array.from([1, 2, 3, 4]));
    expect(result).toMatchObject({ u: 12, commonLanguage: 1, rankBiserial: 1, method: 'exact' });
    expect(result.pValue).toBeCloseTo(1 / 35, 12); // one arrangement of C(7, 3) = 35
    const reversed = mannWhitneyGreater(Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6, 7]));
    expect(reversed).toMatchObject({ u: 0, commonLanguage: 0, rankBiserial: -1 });
    expect(reversed.pValue).toBe(1);
  });

  test('every score tied gives p = 1, not NaN', () => {
    const tied = mannWhitneyGreater(new Float64Array(20).fill(0.5), new Float64Array(30).fill(0.5));
    expect(tied.pValue).toBe(1);
    expect(tied.commonLanguage).toBe(0.5);
  });

  test('an empty group is refused, naming both counts', () => {
    expect(errorCodeOf(() => mannWhitneyGreater(new Float64Array(0), Float64Array.from([1])))).toBe('metrics.empty-group');
  });

  test('under the null (suspects drawn like the non-members) 500 p-values are uniform by Kolmogorov–Smirnov', () => {
    const critical = reference.ks_critical_500_at_0_01;
    expect(ksDistanceFromUniform(simulatedPValues(500, 40, 120, 0))).toBeLessThan(critical);
    expect(ksDistanceFromUniform(simulatedPValues(500, 8, 9, 0))).toBeLessThan(critical); // the exact path
    // The same check rejects a real shift, so it can fail.
    expect(ksDistanceFromUniform(simulatedPValues(500, 40, 120, 0.3))).toBeGreaterThan(critical);
  });
});

describe("one-sided Welch's t", () => {
  test.each(
    reference.mann_whitney_greater
      .filter((c) => c.welch_p !== undefined)
      .map((c, i) => ({ ...c, name: `${c.suspects.length} vs ${c.references.length} (#${i})` })),
  )('$name matches scipy', (c) => {
    const result = welchGreater(Float64Array.from(c.suspects), Float64Array.from(c.references));
    expect(Math.abs(result.t - c.welch_t!)).toBeLessThanOrEqual(1e-10 * Math.abs(c.welch_t!));
    expect(Math.abs(result.degreesOfFreedom - c.welch_df!)).toBeLessThanOrEqual(1e-10 * c.welch_df!);
    expect(Math.abs(result.pValue - c.welch_p!)).toBeLessThanOrEqual(1e-8 * Math.max(c.welch_p!, 1e-12));
    expect(result.appropriate).toBe(c.suspects.length >= 30 && c.references.length >= 30);
  });

  test("Cohen's d is the mean difference over the pooled standard deviation", () => {
    // means 2 and 0, both sample variances 1
    expect(welchGreater(Float64Array.from([1, 2, 3]), Float64Array.from([-1, 0, 1])).cohensD).toBeCloseTo(2, 12);
  });

  test('constant groups give a certain answer, and fewer than two records are refused', () => {
    expect(welchGreater(Float64Array.from([2, 2]), Float64Array.from([1, 1])).pValue).toBe(0);
    expect(welchGreater(Float64Array.from([1, 1]), Float64Array.from([1, 1])).pValue).toBe(1);
    expect(errorCodeOf(() => welchGreater(Float64Array.from([1]), Float64Array.from([1, 2])))).toBe('metrics.welch-too-small');
  });
});

describe('ln Γ', () => {
  test.each(reference.log_gamma)('at $x matches scipy', ({ x, value }) => {
    expect(Math.abs(logGamma(x) - value)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(value)));
  });

  test('refuses x ≤ 0', () => {
    expect(errorCodeOf(() => logGamma(0))).toBe('metrics.invalid-gamma');
  });
});

describe('power curve', () => {
  const random = new SeededRandom('set-inference-power');
  const suspects = normals(random, 600, 0.4);
  const references = normals(random, 600, 0);
  const curve = (seed: string) =>
    setInferencePowerCurve({
      suspects,
      references,
      random: new SeededRandom(seed),
      alpha: 0.01,
      draws: 200,
      sizes: [5, 20, 50, 200, 1000],
    });

  test('power grows with the set size, and sizes beyond the suspects are left out', () => {
    const points = curve('a');
    expect(points.map((p) => p.size)).toEqual([5, 20, 50, 200]);
    for (let i = 1; i < points.length; i++) expect(points[i]!.power).toBeGreaterThan(points[i - 1]!.power);
    expect(points[0]!.power).toBeLessThan(0.1);
    expect(points.at(-1)!.power).toBeGreaterThan(0.9);
  });

  test('is reproducible from its seed', () => {
    expect(curve('b')).toEqual(curve('b'));
  });

  test('under the null the power stays near alpha', () => {
    const nullSuspects = normals(new SeededRandom('null-suspects'), 300, 0);
    const points = setInferencePowerCurve({
      suspects: nullSuspects,
      references,
      random: new SeededRandom('c'),
      alpha: 0.01,
      draws: 300,
      sizes: [10, 100],
    });
    for (const point of points) expect(point.power).toBeLessThan(0.04);
  });

  test('draws must be a whole number ≥ 1', () => {
    expect(errorCodeOf(() => setInferencePowerCurve({ suspects, references, random, alpha: 0.01, draws: 0 }))).toBe(
      'metrics.invalid-power-draws',
    );
  });
});
