// Reading a risk policy file: YAML through the plain-YAML reader and a strict schema; every refusal names the file,
// the rule's index and what was expected.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiaError } from '../../../../src-main/common/errors';
import { readRiskPolicy } from '../../../../src-main/services/policy/policy-file';
import { demoDir } from '../../../helpers/demo-kit';
import { makeTempDir } from '../../../helpers/temp-dir';

const dir = makeTempDir();
let written = 0;
const policyFile = (text: string): string => {
  const file = path.join(dir, `policy-${(written += 1)}.yaml`);
  fs.writeFileSync(file, text);
  return file;
};
const refusal = (text: string): MiaError => {
  const file = policyFile(text);
  try {
    readRiskPolicy(file);
  } catch (error) {
    if (error instanceof MiaError) {
      expect(error.message).toContain(file);
      return error;
    }
    throw error;
  }
  throw new Error(`expected the policy to be refused:\n${text}`);
};

describe('risk policy file', () => {
  it('reads rules with their scopes, optional flags and a name; unquoted brackets are plain YAML', () => {
    const policy = readRiskPolicy(
      policyFile(
        [
          'name: Client bar',
          'rules:',
          '  - rule: tpr_at_fpr["0.001"] <= 0.01',
          '  - rule: epsilon_lb.value <= 4',
          '    family: classifier',
          '    attack: lira',
          '  - rule: set_inference.p_value >= 0.01',
          '    family: clip',
          '    optional: true',
        ].join('\n'),
      ),
    );
    expect(policy).toEqual({
      name: 'Client bar',
      rules: [
        { rule: { text: 'tpr_at_fpr["0.001"] <= 0.01', metric: 'tpr_at_fpr["0.001"]', operator: '<=', threshold: 0.01 }, optional: false },
        {
          rule: { text: 'epsilon_lb.value <= 4', metric: 'epsilon_lb.value', operator: '<=', threshold: 4 },
          family: 'classifier',
          attack: 'lira',
          optional: false,
        },
        {
          rule: { text: 'set_inference.p_value >= 0.01', metric: 'set_inference.p_value', operator: '>=', threshold: 0.01 },
          family: 'clip',
          optional: true,
        },
      ],
    });
  });

  it('reads the demo policy', () => {
    expect(readRiskPolicy(path.join(demoDir, 'classifier', 'policy.yaml')).rules.length).toBeGreaterThan(3);
  });

  it('names the index of a rule whose expression does not parse, and what was expected', () => {
    const error = refusal('rules:\n  - rule: auc <= 0.6\n  - rule: auc == 0.6\n');
    expect(error.code).toBe('config.invalid-policy');
    expect(error.message).toMatch(/rules\.1\.rule: expected one of <= < >= > after auc, found "== 0.6"/);
    expect(refusal('rules:\n  - rule: auc <= 0.6\n  - rule: auc <= 0.6\n  - rule: precision <= 0.6\n').message).toMatch(
      /rules\.2\.rule: unknown metric "precision"/,
    );
  });

  it('refuses unknown attacks and families, an attack outside its family, unknown keys and a rule that is not text', () => {
    expect(refusal('rules:\n  - rule: auc <= 0.6\n    attack: lyra\n').message).toMatch(
      /rules\.0\.attack: expected an attack id, one of loss, /,
    );
    expect(refusal('rules:\n  - rule: auc <= 0.6\n    family: llm\n').message).toMatch(/rules\.0\.family: /);
    expect(refusal('rules:\n  - rule: auc <= 0.6\n    family: clip\n    attack: lira\n').message).toMatch(
      /rules\.0\.attack: the attack does not belong to the family/,
    );
    expect(refusal('rules:\n  - rule: auc <= 0.6\n    optinal: true\n').message).toMatch(/rules\.0: .*optinal/);
    expect(refusal('rules:\n  - rule: 0.6\n').message).toMatch(/rules\.0\.rule: /);
    expect(refusal('rules:\n  - rule: auc <= 0.6\n    optional: "yes"\n').message).toMatch(/rules\.0\.optional: /);
  });

  it('refuses a policy without rules, and YAML that is not valid or uses tags', () => {
    expect(refusal('name: empty\nrules: []\n').message).toMatch(/rules: expected at least one rule/);
    expect(refusal('name: no rules\n').message).toMatch(/rules: /);
    expect(refusal('rules: [\n').code).toBe('config.syntax');
    expect(refusal('rules:\n  - rule: !!binary aGVsbG8=\n').code).toBe('config.yaml-tag');
  });

  it('refuses a missing file with config.unreadable', () => {
    expect(() => readRiskPolicy(path.join(dir, 'absent.yaml'))).toThrow(expect.objectContaining({ code: 'config.unreadable' }));
  });
});
