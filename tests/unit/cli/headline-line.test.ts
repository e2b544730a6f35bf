// The line `mia audit` prints per run without --json: a per-record run's AUC, TPR and ε; a set-level inference run's
// p-values, effect size, set sizes and decision at 1 % instead of a row of "n/a".
import { describe, expect, it } from 'vitest';
import { headlineLine } from '../../../src-main/cli/headline-line';
import type { RunHeadline } from '../../../src-main/services/run-headline';

function headline(setInference?: RunHeadline['metrics']['set_inference']): RunHeadline {
  const perRecord = setInference === undefined;
  return {
    id: 7,
    name: perRecord ? 'loss' : 'set inference',
    attack: perRecord ? 'loss' : 'set-inference',
    params: {},
    status: 'finished',
    target: { id: 1, name: 'target', sha256: 'a'.repeat(64) },
    metrics: {
      auc: perRecord ? 0.8123 : null,
      auc_ci: perRecord ? [0.75, 0.86] : [null, null],
      tpr_at_fpr: { '0.001': null, '0.01': perRecord ? 0.2 : null, '0.1': null },
      balanced_accuracy: null,
      advantage: null,
      epsilon_lb: null,
      gdp_mu: null,
      ppv_at_prior: { prior: 0.01, value: null },
      ...(setInference ? { set_inference: setInference } : {}),
    },
    checks: {},
  };
}

const setResult = (pValue: number): NonNullable<RunHeadline['metrics']['set_inference']> => ({
  p_value: pValue,
  effect_size: 0.926,
  rank_biserial: 0.85,
  method: 'normal',
  suspects: 30,
  references: 100,
  welch: { t: 8, df: 60, p_value: 3.4e-11, cohens_d: 1.5, appropriate: true },
  alpha: 0.01,
  power: [{ size: 5, power: 0.5, draws: 200 }],
});

describe('mia audit text line', () => {
  it('prints the p-values, effect size, set sizes and decision of a set-level run, and no AUC', () => {
    const line = headlineLine(headline(setResult(8.7e-13)));
    expect(line).toBe(
      'run 7 set-inference    finished   p 8.7e-13 (Mann–Whitney)  Welch p 3.4e-11  effect 0.926  30 suspects vs 100 references  suspects scored as members\n',
    );
    expect(line).not.toContain('n/a');
  });

  it('says "no evidence at the 1 % level" when p is 0.01 or more', () => {
    expect(headlineLine(headline(setResult(0.01)))).toContain('p 0.01 (Mann–Whitney)');
    expect(headlineLine(headline(setResult(0.01)))).toContain('no evidence at the 1 % level');
  });

  it('keeps the AUC line of a per-record run', () => {
    expect(headlineLine(headline())).toBe('run 7 loss             finished   AUC 0.812 [0.750, 0.860]  TPR@1%FPR 0.200  ε≥n/a\n');
  });
});
