// The executive summary's verdicts: each threshold on the 95 % intervals of AUC and TPR at 1 % FPR, validity checks
// that make a run inconclusive, a target's verdict resting on its worst counted run, and set-level runs kept apart.
import { describe, expect, it } from 'vitest';
import type { StoredCheckRow } from '../../../src-shared/contract/contract';
import { setInferenceRows } from '../../../src-shared/domain/set-inference';
import { isSetLevelRun, runVerdict, targetVerdict } from '../../../src-main/services/reports/report-verdict';

interface Figures {
  auc?: [number | null, number | null];
  tpr?: [number | null, number | null];
  warn?: StoredCheckRow['kind'];
}

function run({ auc = [0.7, 0.65], tpr = [0.02, 0.005], warn }: Figures) {
  const row = (name: string, [value, ciLow]: [number | null, number | null]) => ({
    name,
    slice: '',
    value,
    ciLow,
    ciHigh: ciLow === null ? null : 1,
    note: null,
  });
  const checks: StoredCheckRow[] = [
    { kind: 'polarity', status: 'ok', value: null, message: '' },
    { kind: 'blind-baseline', status: warn === 'blind-baseline' ? 'warn' : 'ok', value: null, message: '' },
  ];
  return { metrics: [row('auc', auc), row('tpr@0.01', tpr)], checks };
}

describe('runVerdict', () => {
  it('says a run leaks when the low end of the AUC interval reaches 0.6', () => {
    expect(runVerdict(run({ auc: [0.7, 0.6] })).kind).toBe('leaks');
    expect(runVerdict(run({ auc: [0.7, 0.599] })).kind).toBe('some-leakage');
  });

  it('says a run leaks when the low end of TPR at 1 % FPR reaches 5 %, whatever the AUC', () => {
    expect(runVerdict(run({ auc: [0.52, 0.49], tpr: [0.1, 0.05] })).kind).toBe('leaks');
    expect(runVerdict(run({ auc: [0.52, 0.49], tpr: [0.1, 0.049] })).kind).toBe('some-leakage');
  });

  it('finds no measurable leakage when both intervals reach down to chance', () => {
    expect(runVerdict(run({ auc: [0.52, 0.5], tpr: [0.012, 0.01] })).kind).toBe('no-measurable-leakage');
    expect(runVerdict(run({ auc: [0.52, 0.5], tpr: [0.2, null] })).kind).toBe('no-measurable-leakage');
  });

  it('is inconclusive when a validity check warned or the AUC has no interval', () => {
    expect(runVerdict(run({ auc: [0.99, 0.98], warn: 'blind-baseline' }))).toEqual({
      kind: 'inconclusive',
      reason: 'validity checks failed: blind-baseline',
    });
    expect(runVerdict(run({ auc: [0.9, null] })).kind).toBe('inconclusive');
    expect(runVerdict(run({ auc: [null, null] })).kind).toBe('inconclusive');
  });
});

describe('targetVerdict', () => {
  it('rests on the most severe counted run and leaves inconclusive runs out', () => {
    const flagged = run({ auc: [0.99, 0.98], tpr: [0.9, 0.8], warn: 'blind-baseline' });
    const weak = run({ auc: [0.55, 0.52], tpr: [0.3, 0.005] });
    const strong = run({ auc: [0.8, 0.75], tpr: [0.2, 0.1] });
    const verdict = targetVerdict([flagged, weak, strong])!;
    expect(verdict.kind).toBe('leaks');
    expect(verdict.worst).toBe(strong);
    expect(verdict.leftOut).toEqual([flagged]);
  });

  it('breaks a tie of verdicts by TPR at 1 % FPR', () => {
    const a = run({ auc: [0.8, 0.75], tpr: [0.2, 0.1] });
    const b = run({ auc: [0.7, 0.65], tpr: [0.3, 0.1] });
    expect(targetVerdict([a, b])!.worst).toBe(b);
  });

  it('is inconclusive when every run is', () => {
    const verdict = targetVerdict([run({ warn: 'blind-baseline' })])!;
    expect(verdict.kind).toBe('inconclusive');
    expect(verdict.leftOut).toHaveLength(1);
  });
});

describe('set-level runs', () => {
  const setLevel = () => ({
    metrics: setInferenceRows({
      pValue: 0.3,
      method: 'exact' as const,
      u: 10,
      commonLanguage: 0.55,
      rankBiserial: 0.1,
      suspects: 5,
      references: 8,
      welch: null,
      alpha: 0.01,
      powerDraws: 10,
      power: [{ size: 5, power: 0.1 }],
    }),
    checks: [] as StoredCheckRow[],
  });

  it('are their own kind, not inconclusive for lacking an AUC', () => {
    expect(runVerdict(setLevel())).toEqual({ kind: 'set-level', reason: null });
    expect(isSetLevelRun(setLevel())).toBe(true);
    expect(isSetLevelRun(run({}))).toBe(false);
  });

  it('are neither counted in a target verdict nor left out of it as inconclusive', () => {
    const strong = run({ auc: [0.8, 0.75], tpr: [0.2, 0.1] });
    const verdict = targetVerdict([setLevel(), strong]);
    expect(verdict?.kind).toBe('leaks');
    expect(verdict?.worst).toBe(strong);
    expect(verdict?.leftOut).toEqual([]);
  });

  it('give a target with no per-record run no verdict at all', () => {
    expect(targetVerdict([setLevel()])).toBeNull();
  });
});
