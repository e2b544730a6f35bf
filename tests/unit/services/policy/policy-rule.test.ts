// The policy rule grammar: metric path, one comparison operator, one number; everything else refused with what was
// expected.
import { describe, expect, it } from 'vitest';
import { parsePolicyExpression, satisfies, type PolicyExpression } from '../../../../src-main/services/policy/policy-rule';

const parsed = (text: string): PolicyExpression => {
  const result = parsePolicyExpression(text);
  if (!result.ok) throw new Error(`expected "${text}" to parse, got: ${result.expected}`);
  return result.expression;
};
const refusal = (text: string): string => {
  const result = parsePolicyExpression(text);
  if (result.ok) throw new Error(`expected "${text}" to be refused, got ${JSON.stringify(result.expression)}`);
  return result.expected;
};

describe('policy rule grammar', () => {
  it('parses each metric the audit JSON prints, with any spacing', () => {
    expect(parsed('auc <= 0.6')).toEqual({ metric: 'auc', operator: '<=', threshold: 0.6 });
    expect(parsed('tpr_at_fpr["0.001"]<=0.01')).toEqual({ metric: 'tpr_at_fpr["0.001"]', operator: '<=', threshold: 0.01 });
    expect(parsed("  tpr_at_fpr['0.1']  >  1e-3 ")).toEqual({ metric: 'tpr_at_fpr["0.1"]', operator: '>', threshold: 0.001 });
    expect(parsed('epsilon_lb.value < 4')).toEqual({ metric: 'epsilon_lb.value', operator: '<', threshold: 4 });
    expect(parsed('set_inference.p_value >= .01')).toEqual({ metric: 'set_inference.p_value', operator: '>=', threshold: 0.01 });
    expect(parsed('gdp_mu <= -0')).toEqual({ metric: 'gdp_mu', operator: '<=', threshold: -0 });
    for (const metric of ['balanced_accuracy', 'advantage', 'ppv_at_prior.value']) expect(parsed(`${metric} <= 0.5`).metric).toBe(metric);
  });

  it('refuses unknown metrics, naming the known ones', () => {
    expect(refusal('aucc <= 0.6')).toMatch(/unknown metric "aucc".*auc, tpr_at_fpr\["0\.001"\]/);
    expect(refusal('tpr_at_fpr["0.05"] <= 0.1')).toMatch(/unknown metric "tpr_at_fpr\["0\.05"\]"/);
    expect(refusal('epsilon_lb <= 4')).toMatch(/unknown metric "epsilon_lb"/);
    expect(refusal('<= 4')).toMatch(/expected a metric name/);
  });

  it('refuses anything but one of the four comparison operators', () => {
    for (const text of ['auc == 0.6', 'auc = 0.6', 'auc != 0.6', 'auc => 0.6', 'auc 0.6', 'auc']) {
      expect(refusal(text), text).toMatch(/expected one of <= < >= > after auc/);
    }
  });

  it('refuses anything but a single finite number after the operator, so nothing is ever evaluated', () => {
    for (const text of [
      'auc <= ',
      'auc <= 0.6 && 1',
      'auc <= 0.6 0.7',
      'auc <= Infinity',
      'auc <= 1e999',
      'auc <= 0x10',
      'auc <= auc',
      'auc <= (0.6)',
      'auc < <= 1',
    ]) {
      expect(refusal(text), text).toMatch(/expected a single number after auc/);
    }
  });

  it('compares with each operator, boundaries included or not as written', () => {
    const rule = (operator: PolicyExpression['operator']): PolicyExpression => ({ metric: 'auc', operator, threshold: 0.6 });
    expect([0.5, 0.6, 0.7].map((v) => satisfies(v, rule('<=')))).toEqual([true, true, false]);
    expect([0.5, 0.6, 0.7].map((v) => satisfies(v, rule('<')))).toEqual([true, false, false]);
    expect([0.5, 0.6, 0.7].map((v) => satisfies(v, rule('>=')))).toEqual([false, true, true]);
    expect([0.5, 0.6, 0.7].map((v) => satisfies(v, rule('>')))).toEqual([false, false, true]);
  });
});
