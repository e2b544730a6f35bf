// `mia audit --policy FILE` through the built command line on real demo audits (loss attack only, to stay quick):
// the demo's strict policy passes the regularised twin (exit 0) and fails the leaky target (exit 3), and a bad policy
// is refused with exit 2 before anything is imported or run. `--prior` states each run's precision at that prior.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openWorkspace } from '../../src-main/workspace/open-workspace';
import { readMetrics } from '../../src-main/workspace/runs-repo';
import { precisionAtPrior } from '../../src-shared/domain/precision-at-prior';
import { classifierKit } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir();
const demoPolicy = path.join(classifierKit, 'policy.yaml');
const mia = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, MIA_WORKSPACE: '' },
    maxBuffer: 64 * 1024 * 1024,
  });

/** A loss-only audit of one of the demo classifiers, written as a JSON config beside the test's workspaces. */
function lossAudit(model: 'target.onnx' | 'twin.onnx'): string {
  const file = path.join(dir, `audit-${model}.json`);
  const config = {
    dataset: { kind: 'manifest-csv', path: path.join(classifierKit, 'manifest.csv'), name: 'Demo classifier records' },
    target: { kind: 'classifier', name: model, model: path.join(classifierKit, model) },
    runs: [{ attack: 'loss', seed: 1 }],
  };
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

const Row = z.strictObject({
  index: z.number().int().min(0),
  rule: z.string(),
  scope: z.strictObject({ family: z.string().nullable(), attack: z.string().nullable() }),
  optional: z.boolean(),
  run: z.number().int().positive().nullable(),
  attack: z.string().nullable(),
  value: z.number().nullable(),
  status: z.enum(['pass', 'fail', 'not-measured', 'not-applicable']),
});
const AuditWithVerdict = z.object({
  runs: z
    .array(
      z.object({
        id: z.number(),
        attack: z.string(),
        metrics: z.object({
          auc: z.number(),
          ppv_at_prior: z.strictObject({ prior: z.number(), value: z.number().min(0).max(1).nullable() }),
        }),
      }),
    )
    .length(1),
  verdict: z.strictObject({
    status: z.enum(['pass', 'fail']),
    policy: z.string().nullable(),
    rules: z.array(Row).min(1),
    warnings: z.array(z.strictObject({ run: z.number(), check: z.string(), message: z.string() })),
  }),
});

describe('mia audit --policy on the demo classifier', () => {
  it('passes the regularised twin with exit code 0, listing each rule and measured value', () => {
    const result = mia(
      'audit',
      '--config',
      lossAudit('twin.onnx'),
      '--policy',
      demoPolicy,
      '--workspace',
      path.join(dir, 'twin.sqlite'),
      '--json',
    );
    expect(result.status, result.stderr).toBe(0);
    const { runs, verdict } = AuditWithVerdict.parse(JSON.parse(result.stdout));
    expect(verdict.status).toBe('pass');
    expect(verdict.policy).toBe('Demo strict policy');
    const auc = verdict.rules.find((row) => row.rule === 'auc <= 0.63');
    expect(auc).toMatchObject({ run: runs[0]!.id, attack: 'loss', value: runs[0]!.metrics.auc, status: 'pass' });
    // The lira-scoped rule has no run in a loss-only audit; the optional set-inference rule is not measured.
    expect(verdict.rules.find((row) => row.scope.attack === 'lira')).toMatchObject({ run: null, status: 'not-applicable' });
    expect(verdict.rules.find((row) => row.rule.startsWith('set_inference'))).toMatchObject({ status: 'not-measured', optional: true });
    expect(verdict.rules.filter((row) => row.status === 'fail')).toEqual([]);
    // Without --prior, precision is stated for 1 % members, and the policy reads it from the same place.
    expect(runs[0]!.metrics.ppv_at_prior.prior).toBe(0.01);
    expect(verdict.rules.find((row) => row.rule.startsWith('ppv_at_prior'))?.value).toBe(runs[0]!.metrics.ppv_at_prior.value);
  }, 300_000);

  it('fails the leaky target with exit code 3, naming the failing rules, in JSON and as a table', () => {
    const config = lossAudit('target.onnx');
    const workspace = path.join(dir, 'target.sqlite');
    const json = mia('audit', '--config', config, '--policy', demoPolicy, '--prior', '0.05', '--workspace', workspace, '--json');
    expect(json.status, json.stderr).toBe(3);
    const { runs, verdict } = AuditWithVerdict.parse(JSON.parse(json.stdout));
    expect(verdict.status).toBe('fail');
    const failing = verdict.rules.filter((row) => row.status === 'fail').map((row) => row.rule);
    expect(failing).toEqual(expect.arrayContaining(['auc <= 0.63', 'epsilon_lb.value <= 1']));
    expect(verdict.rules.find((row) => row.rule === 'auc <= 0.63')?.value).toBe(runs[0]!.metrics.auc);
    // Precision at a 5 % prior, from the operating point the workspace stored for the run.
    const db = openWorkspace(workspace, { readonly: true });
    try {
      const stored = (name: string) => readMetrics(db, runs[0]!.id).find((m) => m.name === name && m.slice === '')?.value ?? null;
      const operatingPoint = {
        precision: stored('precision'),
        recall: stored('recall'),
        members: stored('members'),
        nonMembers: stored('non_members'),
      };
      expect(operatingPoint.precision).not.toBeNull();
      expect(runs[0]!.metrics.ppv_at_prior).toEqual({ prior: 0.05, value: precisionAtPrior(operatingPoint, 0.05) });
      expect(runs[0]!.metrics.ppv_at_prior.value).toBeLessThan(operatingPoint.precision!);
    } finally {
      db.close();
    }

    const text = mia('audit', '--config', config, '--policy', demoPolicy, '--workspace', path.join(dir, 'target-text.sqlite'));
    expect(text.status, text.stderr).toBe(3);
    expect(text.stdout).toContain('Verdict: FAIL (policy "Demo strict policy")');
    expect(text.stdout).toMatch(/auc <= 0\.63\s+all runs\s+1\s+loss\s+0\.665\s+fail/);
  }, 300_000);

  it('refuses a bad policy with exit code 2 before any run starts, naming the file and the rule', () => {
    const policy = path.join(dir, 'bad-policy.yaml');
    fs.writeFileSync(policy, 'rules:\n  - rule: auc <= 0.6\n  - rule: auc <= 0.6 or 1\n');
    const workspace = path.join(dir, 'bad.sqlite');
    const result = mia('audit', '--config', lossAudit('target.onnx'), '--policy', policy, '--workspace', workspace, '--json');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(policy);
    expect(result.stderr).toMatch(/rules\.1\.rule: expected a single number after auc <=, found "0\.6 or 1"/);
    expect(result.stderr).toMatch(/config\.invalid-policy/);
    // Refused before the workspace was even opened.
    expect(fs.existsSync(workspace)).toBe(false);
  });

  it('refuses a prior outside (0, 1) with exit code 2 before any run starts', () => {
    const workspace = path.join(dir, 'bad-prior.sqlite');
    for (const prior of ['1', '0', '-0.1', 'one percent']) {
      const result = mia('audit', '--config', lossAudit('target.onnx'), `--prior=${prior}`, '--workspace', workspace, '--json');
      expect(result.status, prior).toBe(2);
      expect(result.stderr).toMatch(/--prior takes the fraction of members in the population, a number between 0 and 1/);
    }
    expect(fs.existsSync(workspace)).toBe(false);
  });
});
