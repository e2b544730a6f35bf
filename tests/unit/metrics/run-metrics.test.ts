// computeRunMetrics bundles every metric into rows for the metrics table; per-class AUC, balanced
// subsampling and the ROC thinned for drawing.
import { describe, expect, it } from 'vitest';
import { parseWith } from '../../../src-main/common/parse';
import { balancedSubsample } from '../../../src-main/engine/metrics/balanced-subsample';
import { perClassAuc } from '../../../src-main/engine/metrics/per-class-auc';
import { auc, rocCurve } from '../../../src-main/engine/metrics/roc';
import { downsampleRocForDrawing } from '../../../src-main/engine/metrics/roc-for-drawing';
import { computeRunMetrics, findMetric } from '../../../src-main/engine/metrics/run-metrics';
import { RunMetrics } from '../../../src-main/engine/metrics/run-metrics-schema';
import { tprAtFpr } from '../../../src-main/engine/metrics/threshold-metrics';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import { errorCodeOf, labelsOf, scoresOf, syntheticScores } from './fixtures';

describe('computeRunMetrics', () => {
  const { scores, labels } = syntheticScores(1200, 31, 0.8);
  const classOfRecord = Int32Array.from(scores, (_, i) => i % 3);

  it('reports every standard metric with intervals, counts and per-class rows, and survives JSON', () => {
    const metrics = computeRunMetrics({
      scores,
      labels,
      random: new SeededRandom(1).fork('metrics'),
      classOfRecord,
      classNames: ['cat', 'dog', 'eel'],
      bootstrapResamples: 200,
      operatingPoint: { source: 'fixed', threshold: 0.5, reason: 'Attack models decide at probability 0.5.' },
    });
    const names = metrics.metrics.filter((row) => row.slice === '').map((row) => row.name);
    expect(names).toEqual([
      'members',
      'non_members',
      'auc',
      'tpr@0.001',
      'tpr@0.01',
      'tpr@0.1',
      'balanced_accuracy',
      'advantage',
      'precision',
      'recall',
      'operating_threshold',
      'epsilon_lb',
      'epsilon_lb_delta',
      'epsilon_lb_confidence',
      'epsilon_lb_guesses',
      'epsilon_lb_method',
      'gdp_mu',
    ]);
    expect(metrics.members + metrics.nonMembers).toBe(1200);
    const aucRow = findMetric(metrics, 'auc')!;
    expect(aucRow.value).toBe(auc(scores, labels));
    expect(aucRow.ciLow! < aucRow.value! && aucRow.value! < aucRow.ciHigh!).toBe(true);
    expect(findMetric(metrics, 'tpr@0.01')!.value).toBe(tprAtFpr(rocCurve(scores, labels), 0.01));
    expect(findMetric(metrics, 'tpr@0.01')!.ciHigh).not.toBeNull();
    expect(findMetric(metrics, 'operating_threshold')).toMatchObject({ value: 0.5, note: 'Attack models decide at probability 0.5.' });
    expect(metrics.perClass.map((entry) => entry.className)).toEqual(['cat', 'dog', 'eel']);
    expect(findMetric(metrics, 'auc', 'class:1')!.value).toBe(metrics.perClass[1]!.auc);
    expect(metrics.bootstrap).toEqual({ resamples: 200, confidence: 0.95, stream: '1/metrics/bootstrap' });
    expect(parseWith(RunMetrics, JSON.parse(JSON.stringify(metrics)), 'metrics', 'test.bad')).toEqual(metrics);
  });

  it('marks TPR at 0.1 % n/a with a reason when there are fewer than 1,000 non-members', () => {
    const metrics = computeRunMetrics({ scores, labels, random: new SeededRandom(2), bootstrapResamples: 50 });
    const row = findMetric(metrics, 'tpr@0.001')!;
    expect(metrics.nonMembers).toBeLessThan(1000);
    expect(row).toMatchObject({ value: null, ciLow: null, ciHigh: null });
    expect(row.note).toMatch(/too few .*at least 1000 needed/);
  });

  it('is reproducible for a seed', () => {
    const run = () => computeRunMetrics({ scores, labels, random: new SeededRandom(3), bootstrapResamples: 100, balanced: true });
    expect(run()).toEqual(run());
  });

  it('fits precision and recall on calibration records, not on the reported ones', () => {
    const calibration = syntheticScores(400, 32, 0.8);
    const metrics = computeRunMetrics({
      scores,
      labels,
      random: new SeededRandom(4),
      bootstrapResamples: 0,
      operatingPoint: { source: 'calibration', ...calibration },
    });
    expect(metrics.operatingPoint.source).toBe('calibration');
    const threshold = metrics.operatingPoint.threshold!;
    let predicted = 0;
    let correct = 0;
    scores.forEach((score, i) => {
      if (score >= threshold) {
        predicted++;
        correct += labels[i]!;
      }
    });
    expect(findMetric(metrics, 'precision')!.value).toBe(correct / predicted);
    expect(findMetric(metrics, 'auc')!.ciLow).toBeNull(); // no resamples asked for
    expect(metrics.bootstrap).toBeNull();
  });

  it('reports n/a rows instead of failing when a class or the calibration is missing', () => {
    const metrics = computeRunMetrics({
      scores: scoresOf([0.2, 0.4]),
      labels: labelsOf([1, 1]),
      random: new SeededRandom(5),
      operatingPoint: { source: 'calibration', scores: scoresOf([0.1]), labels: labelsOf([0]) },
    });
    expect(findMetric(metrics, 'auc')).toMatchObject({ value: null, note: expect.stringMatching(/2 members and 0 non-members/) });
    expect(findMetric(metrics, 'precision')).toMatchObject({
      value: null,
      note: expect.stringMatching(/calibration records hold 0 members/),
    });
    const noOperatingPoint = computeRunMetrics({ scores, labels, random: new SeededRandom(5), bootstrapResamples: 0 });
    expect(findMetric(noOperatingPoint, 'recall')).toMatchObject({ value: null, note: expect.stringMatching(/no calibration records/) });
  });

  it('evaluates a balanced subsample when asked, with equal class counts', () => {
    const metrics = computeRunMetrics({ scores, labels, random: new SeededRandom(6), bootstrapResamples: 0, balanced: true });
    expect(metrics.members).toBe(metrics.nonMembers);
    expect(metrics.balanced).toBe(true);
  });
});

describe('per-class AUC and balanced subsample', () => {
  it('computes AUC per class and n/a for a class without members or non-members', () => {
    const result = perClassAuc(scoresOf([0.9, 0.1, 0.3, 0.8, 0.5]), labelsOf([1, 0, 0, 1, 1]), [0, 0, 1, 1, 2]);
    expect(result.map((entry) => entry.auc)).toEqual([1, 1, null]);
    expect(result[2]).toMatchObject({ classIndex: 2, members: 1, nonMembers: 0, note: expect.stringMatching(/no non-members/) });
    expect(errorCodeOf(() => perClassAuc(scoresOf([1]), labelsOf([1]), [-1]))).toBe('metrics.invalid-class');
  });

  it('draws equally many members and non-members, the same ones for the same seed', () => {
    const labels = labelsOf([1, 1, 1, 1, 1, 0, 0, 1, 0, 1]);
    const picked = balancedSubsample(labels, new SeededRandom(7));
    expect(picked.length).toBe(6);
    expect([...picked].filter((i) => labels[i] === 1).length).toBe(3);
    expect(balancedSubsample(labels, new SeededRandom(7))).toEqual(picked);
  });
});

describe('downsampleRocForDrawing', () => {
  const { scores, labels } = syntheticScores(20_000, 33, 1);
  const roc = rocCurve(scores, labels);

  it('keeps at most the asked number of points, the exact endpoints and a non-decreasing curve', () => {
    const drawn = downsampleRocForDrawing(roc, 150);
    expect(drawn.fpr.length).toBeLessThanOrEqual(150);
    expect(drawn.fpr.length).toBeGreaterThan(100);
    expect([drawn.fpr[0], drawn.tpr[0], drawn.fpr.at(-1), drawn.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    for (let i = 1; i < drawn.fpr.length; i++) expect(drawn.fpr[i]! >= drawn.fpr[i - 1]! && drawn.tpr[i]! >= drawn.tpr[i - 1]!).toBe(true);
  });

  it('keeps detail at low FPR: the drawn curve agrees with TPR at 0.1 % and 1 %', () => {
    const drawn = downsampleRocForDrawing(roc, 150);
    for (const alpha of [0.001, 0.01]) {
      let best = 0;
      drawn.fpr.forEach((fpr, i) => {
        if (fpr <= alpha) best = Math.max(best, drawn.tpr[i]!);
      });
      expect(best).toBe(tprAtFpr(roc, alpha));
    }
  });

  it('returns a small curve unchanged', () => {
    const small = rocCurve(scoresOf([0.3, 0.2, 0.1]), labelsOf([1, 0, 1]));
    expect(downsampleRocForDrawing(small)).toEqual({ fpr: small.fpr, tpr: small.tpr, thresholds: small.thresholds });
  });
});
