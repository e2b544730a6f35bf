// Judging runs against a policy: rows per rule and run in scope, not-measured and not-applicable rules, warnings,
// and the pass/fail decision.
import { describe, expect, it } from 'vitest';
import { parseRiskPolicy } from '../../../../src-main/services/policy/policy-file';
import { judgeRuns, type JudgedRun } from '../../../../src-main/services/policy/policy-verdict';

function headline(id: number, attack: string, metrics: Partial<JudgedRun['metrics']>, extra: Partial<JudgedRun> = {}): JudgedRun {
  return {
    id,
    attack,
    params: {},
    status: 'finished',
    metrics: {
      auc: null,
      auc_ci: [null, null],
      tpr_at_fpr: { '0.001': null, '0.01': null, '0.1': null },
      balanced_accuracy: null,
      advantage: null,
      epsilon_lb: null,
      gdp_mu: null,
      ppv_at_prior: { prior: 0.01, value: null },
      ...metrics,
    },
    checks: {},
    ...extra,
  };
}
const policy = (rules: unknown[]) => parseRiskPolicy({ name: 'test', rules }, 'The test policy');

const loss = headline(1, 'loss', {
  auc: 0.66,
  tpr_at_fpr: { '0.001': null, '0.01': 0.02, '0.1': 0.12 },
  epsilon_lb: { value: 3.2, delta: 1e-5, confidence: 0.95, method: 'calibration-split', guesses: 1000 },
});
const lira = headline(2, 'lira', { auc: 0.58, tpr_at_fpr: { '0.001': null, '0.01': 0.01, '0.1': 0.1 }, gdp_mu: 0.3 });
const csa = headline(3, 'csa', { auc: 0.52, ppv_at_prior: { prior: 0.01, value: 0.05 } });

describe('policy verdict', () => {
  it('judges every run in scope of each rule, by family and by attack, and reads nested metrics', () => {
    const verdict = judgeRuns(
      policy([
        { rule: 'auc <= 0.6' },
        { rule: 'tpr_at_fpr["0.1"] < 0.12', family: 'classifier' },
        { rule: 'epsilon_lb.value >= 3', attack: 'loss' },
        { rule: 'gdp_mu > 0.3', family: 'classifier', attack: 'lira' },
        { rule: 'ppv_at_prior.value <= 0.02', attack: 'csa' },
      ]),
      [loss, lira, csa],
    );
    expect(verdict.status).toBe('fail');
    expect(verdict.policy).toBe('test');
    expect(verdict.rules.map((row) => [row.index, row.run, row.attack, row.value, row.status])).toEqual([
      [0, 1, 'loss', 0.66, 'fail'],
      [0, 2, 'lira', 0.58, 'pass'],
      [0, 3, 'csa', 0.52, 'pass'],
      [1, 1, 'loss', 0.12, 'fail'],
      [1, 2, 'lira', 0.1, 'pass'],
      [2, 1, 'loss', 3.2, 'pass'],
      [3, 2, 'lira', 0.3, 'fail'],
      [4, 3, 'csa', 0.05, 'fail'],
    ]);
    expect(verdict.rules[3]).toMatchObject({
      rule: 'tpr_at_fpr["0.1"] < 0.12',
      scope: { family: 'classifier', attack: null },
      optional: false,
    });
  });

  it('passes when every rule in scope passes', () => {
    const verdict = judgeRuns(policy([{ rule: 'auc <= 0.6' }, { rule: 'gdp_mu <= 0.5', attack: 'lira' }]), [lira, csa]);
    expect(verdict.status).toBe('pass');
    expect(verdict.rules.every((row) => row.status === 'pass')).toBe(true);
  });

  it('fails on a metric a run lacks unless the rule is optional', () => {
    const required = judgeRuns(policy([{ rule: 'auc <= 0.6' }, { rule: 'epsilon_lb.value <= 4' }]), [lira]);
    expect(required.rules[1]).toMatchObject({ run: 2, value: null, status: 'not-measured', optional: false });
    expect(required.status).toBe('fail');
    const optional = judgeRuns(policy([{ rule: 'auc <= 0.6' }, { rule: 'epsilon_lb.value <= 4', optional: true }]), [lira]);
    expect(optional.rules[1]).toMatchObject({ status: 'not-measured', optional: true });
    expect(optional.status).toBe('pass');
  });

  it('reads the set-inference p-value of a set-inference run, and reports it not measured on every other run', () => {
    const setRun = headline(6, 'set-inference', {
      set_inference: {
        p_value: 0.002,
        effect_size: 0.7,
        rank_biserial: 0.4,
        method: 'exact',
        suspects: 40,
        references: 60,
        welch: null,
        alpha: 0.01,
        power: [],
      },
    });
    const verdict = judgeRuns(policy([{ rule: 'set_inference.p_value >= 0.01' }]), [setRun, csa]);
    expect(verdict.rules.map((row) => [row.run, row.value, row.status])).toEqual([
      [6, 0.002, 'fail'],
      [3, null, 'not-measured'],
    ]);
    expect(verdict.status).toBe('fail');
  });

  it("scopes a set-inference run by its base attack's family, and accepts a rule naming set-inference", () => {
    const setRun = headline(7, 'set-inference', { auc: null }, { params: { base: 'pia', baseParams: {} } });
    const byFamily = judgeRuns(policy([{ rule: 'auc <= 0.6', family: 'diffusion', optional: true }]), [setRun, csa]);
    expect(byFamily.rules.map((row) => [row.run, row.status])).toEqual([[7, 'not-measured']]);
    const named = judgeRuns(policy([{ rule: 'set_inference.p_value >= 0.01', family: 'clip', attack: 'set-inference' }]), [setRun]);
    expect(named.rules.map((row) => row.status)).toEqual(['not-applicable']);
  });

  it('treats a run that did not finish as not measured, whatever metrics it has', () => {
    const failed = headline(4, 'loss', { auc: 0.5 }, { status: 'failed' });
    const verdict = judgeRuns(policy([{ rule: 'auc <= 0.6' }]), [failed]);
    expect(verdict.rules).toEqual([expect.objectContaining({ run: 4, value: null, status: 'not-measured' })]);
    expect(verdict.status).toBe('fail');
  });

  it('lists a rule whose scope has no run as not applicable without failing, but fails when nothing was measured', () => {
    const mixed = judgeRuns(policy([{ rule: 'auc <= 0.6' }, { rule: 'auc <= 0.6', family: 'diffusion' }]), [csa]);
    expect(mixed.rules[1]).toEqual({
      index: 1,
      rule: 'auc <= 0.6',
      scope: { family: 'diffusion', attack: null },
      optional: false,
      run: null,
      attack: null,
      value: null,
      status: 'not-applicable',
    });
    expect(mixed.status).toBe('pass');
    expect(judgeRuns(policy([{ rule: 'auc <= 0.6', attack: 'rmia' }]), [loss, csa]).status).toBe('fail');
    expect(judgeRuns(policy([{ rule: 'epsilon_lb.value <= 4', optional: true }]), [lira]).status).toBe('fail');
  });

  it('still judges runs whose checks warned, and lists the warnings with the verdict', () => {
    const warned = headline(
      5,
      'loss',
      { auc: 0.55 },
      {
        checks: {
          'population-shift': { status: 'warn', value: 0.71, message: 'members and non-members differ' },
          'null-model': { status: 'ok', value: 0.5, message: 'fine' },
        },
      },
    );
    const verdict = judgeRuns(policy([{ rule: 'auc <= 0.6' }]), [warned]);
    expect(verdict.status).toBe('pass');
    expect(verdict.warnings).toEqual([{ run: 5, check: 'population-shift', message: 'members and non-members differ' }]);
  });
});
