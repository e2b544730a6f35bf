// `mia plan` and an audit config whose shadows the training bridge trains, through the built CLI as a user runs it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SplitPlanSummary } from '../../src-shared/contract/contract';
import { findPython } from '../../src-main/services/training/python-probe';
import { classifierKit, hasClassifierKit } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir();
// Run from a folder outside the checkout, as an auditor runs `mia` beside their own files.
const mia = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), ...args], {
    encoding: 'utf8',
    cwd: dir,
    env: { ...process.env, MIA_WORKSPACE: '' },
  });
const probe = await findPython({ setting: null });

describe.skipIf(!hasClassifierKit)('mia plan', () => {
  it("writes a reference plan for the demo config's dataset and target", () => {
    const out = path.join(dir, 'reference-plan');
    const result = mia(
      'plan',
      '--config',
      path.join(classifierKit, 'audit.yaml'),
      '--purpose',
      'reference',
      '--count',
      '2',
      '--seed',
      '3',
      '--out',
      out,
      '--workspace',
      path.join(dir, 'plan.sqlite'),
      '--json',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const plan = JSON.parse(result.stdout) as SplitPlanSummary;
    expect(plan).toMatchObject({ purpose: 'reference', seed: 3, pool: { roles: ['audit', 'calibration'], size: 1200 } });
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
      models: { path: string; trained_on: string[] }[];
    };
    expect(manifest.models.map((m) => [m.path, m.trained_on.length])).toEqual([
      ['ref_00.onnx', 600],
      ['ref_01.onnx', 600],
    ]);
  }, 120_000);

  it('exits 2 naming the option when the command line is wrong', () => {
    const missing = mia('plan', '--config', path.join(classifierKit, 'audit.yaml'), '--out', dir);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--purpose shadow or reference/);
    const bad = mia(
      'plan',
      '--config',
      path.join(classifierKit, 'audit.yaml'),
      '--purpose',
      'shadow',
      '--count',
      'two',
      '--out',
      dir,
      '--workspace',
      path.join(dir, 'bad.sqlite'),
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--count must be a whole number; got "two"/);
  });

  it("refuses a seed, count or train size past the contract's limits before importing anything", () => {
    // SplitPlanRequest (src-shared/contract): seed 0 to 2^31 - 1, count 1 to 256, train size at least 1.
    for (const [option, value] of [
      ['--seed', '2147483648'],
      ['--count', '257'],
      ['--count', '0'],
      ['--train-size', '0'],
    ] as const) {
      const workspace = path.join(dir, `limits-${option.slice(2)}-${value}.sqlite`);
      const result = mia(
        'plan',
        '--config',
        path.join(classifierKit, 'audit.yaml'),
        '--purpose',
        'shadow',
        option,
        value,
        '--out',
        path.join(dir, 'never'),
        '--workspace',
        workspace,
      );
      expect(result.status, `${option} ${value}`).toBe(2);
      expect(result.stderr).toContain(`${option} ${value} is not valid`);
      expect(fs.existsSync(workspace), `${option} ${value}`).toBe(false);
    }
    expect(fs.existsSync(path.join(dir, 'never'))).toBe(false);
  });
});

describe.skipIf(!hasClassifierKit || !probe.found)(
  `mia audit with shadows trained by the bridge${probe.found ? '' : ' — skipped: no Python with PyTorch was found'}`,
  () => {
    it('trains the shadows, runs Shokri on them, and reuses them on the next audit', () => {
      const config = path.join(dir, 'train-audit.yaml');
      fs.writeFileSync(
        config,
        [
          'title: Demo classifier with shadows trained by the workbench',
          `dataset: { kind: manifest-csv, path: ${JSON.stringify(path.join(classifierKit, 'manifest.csv'))} }`,
          `target: { kind: classifier, model: ${JSON.stringify(path.join(classifierKit, 'target.onnx'))} }`,
          'shadows:',
          '  name: Trained shadows',
          '  train: { folder: trained-shadows, count: 2, seed: 1, trainSize: 150, epochs: 3 }',
          'runs:',
          '  - attack: shokri',
          '    seed: 1',
          '',
        ].join('\n'),
      );
      const workspace = path.join(dir, 'audit.sqlite');
      const first = mia('audit', '--config', config, '--workspace', workspace);
      expect(first.stderr).toMatch(/Training 2 shadow models/);
      expect(first.stderr).toMatch(/shadow_01: trained in/);
      expect(first.status).toBe(0);
      expect(first.stdout).toMatch(/shokri\s+finished\s+AUC 0\.\d{3}/);
      expect(fs.existsSync(path.join(dir, 'trained-shadows', 'shadow_01.onnx'))).toBe(true);

      const second = mia('audit', '--config', config, '--workspace', workspace);
      expect(second.status).toBe(0);
      expect(second.stderr).toMatch(/trained earlier for this plan/);
      expect(second.stderr).not.toMatch(/Training 2 shadow models/);
    }, 300_000);
  },
);
