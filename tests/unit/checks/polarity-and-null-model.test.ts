// Polarity and null-model checks: status and plain-words message from an AUC and its interval.
import { describe, expect, it } from 'vitest';
import { checkNullModel } from '../../../src-main/engine/checks/null-model-check';
import { checkPolarity, checkRunPolarity } from '../../../src-main/engine/checks/polarity-check';
import { computeRunMetrics } from '../../../src-main/engine/metrics/run-metrics';
import { ValidityCheck } from '../../../src-main/engine/checks/validity-check';
import { aucWithInterval } from '../../../src-main/engine/metrics/auc-with-interval';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';

describe('checkPolarity', () => {
  it('warns when the whole interval lies below 0.5, saying it never flips the statistic', () => {
    const check = checkPolarity({ auc: 0.41, ciLow: 0.37, ciHigh: 0.45 });
    expect(check).toMatchObject({ kind: 'polarity', status: 'warn', value: 0.41 });
    expect(check.message).toBe(
      'The attack scores rank non-members above members (AUC 0.41, 95% CI 0.37–0.45). The statistic may be inverted; the workbench never flips it silently.',
    );
    expect(ValidityCheck.parse(check)).toEqual(check);
  });

  it('is ok when the interval reaches 0.5 or lies above it', () => {
    expect(checkPolarity({ auc: 0.48, ciLow: 0.44, ciHigh: 0.52 }).status).toBe('ok');
    const above = checkPolarity({ auc: 0.62, ciLow: 0.58, ciHigh: 0.66 });
    expect(above.status).toBe('ok');
    expect(above.message).toMatch(/rank members above non-members \(AUC 0\.62, 95% CI 0\.58–0\.66\)/);
  });

  it('is not applicable without an AUC or without an interval', () => {
    expect(checkPolarity({ auc: null, ciLow: null, ciHigh: null }).status).toBe('not-applicable');
    expect(checkPolarity({ auc: 0.3, ciLow: null, ciHigh: null })).toMatchObject({ status: 'not-applicable', value: 0.3 });
  });
});

describe('checkRunPolarity', () => {
  it('warns for a run whose scores were oriented the wrong way round', () => {
    const random = new SeededRandom(42);
    const labels = Uint8Array.from({ length: 600 }, (_, i) => i % 2);
    const losses = Float64Array.from(labels, (label) => random.normal() - 0.5 * label); // members have lower loss
    const metrics = computeRunMetrics({ scores: losses, labels, random, bootstrapResamples: 200 });
    expect(checkRunPolarity(metrics).status).toBe('warn');
    expect(
      checkRunPolarity(computeRunMetrics({ scores: losses.map((loss) => -loss), labels, random, bootstrapResamples: 200 })).status,
    ).toBe('ok');
  });
});

describe('checkNullModel', () => {
  it('is not applicable when no null model was available', () => {
    expect(checkNullModel({ nullModel: null })).toMatchObject({ kind: 'null-model', status: 'not-applicable', value: null });
  });

  it('is ok when the interval contains 0.5, and reports the target AUC beside it', () => {
    const check = checkNullModel({ nullModel: { auc: 0.53, ciLow: 0.47, ciHigh: 0.59 }, targetAuc: 0.71, nullModelName: 'null.onnx' });
    expect(check.status).toBe('ok');
    expect(check.message).toMatch(/"null\.onnx".*AUC 0\.53, 95% CI 0\.47–0\.59.*On the target model the attack's AUC is 0\.71\./);
  });

  it('is ok within ±0.05 of 0.5 even when a narrow interval excludes 0.5', () => {
    expect(checkNullModel({ nullModel: { auc: 0.53, ciLow: 0.52, ciHigh: 0.54 } }).status).toBe('ok');
  });

  it('warns when the attack separates the sets on a model that never saw the members, in either direction', () => {
    const high = checkNullModel({ nullModel: { auc: 0.62, ciLow: 0.58, ciHigh: 0.66 } });
    expect(high.status).toBe('warn');
    expect(high.message).toMatch(/still separates members from non-members .* something other than memorisation/);
    expect(checkNullModel({ nullModel: { auc: 0.38, ciLow: 0.34, ciHigh: 0.42 } }).status).toBe('warn');
  });

  it('is ok for scores unrelated to membership, measured end to end', () => {
    const random = new SeededRandom(41);
    const labels = Uint8Array.from({ length: 2000 }, (_, i) => i % 2);
    const scores = Float64Array.from(labels, () => random.normal());
    const estimate = aucWithInterval(scores, labels, random.fork('bootstrap'), { resamples: 300 });
    expect(checkNullModel({ nullModel: estimate }).status).toBe('ok');
  });
});
