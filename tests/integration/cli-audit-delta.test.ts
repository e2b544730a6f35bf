// δ of the empirical ε lower bound set per run in an audit config (`delta:`): it reaches `mia audit --json`
// (`metrics.epsilon_lb.delta`), is stored with the run so a re-run or a resume computes its bound at the same δ, and
// a δ outside (0, 0.1] is refused with exit 2 naming the run's field before anything runs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startRequestOfRun } from '../../src-main/services/ui-queries-rerun';
import { openWorkspace } from '../../src-main/workspace/open-workspace';
import { classifierKit } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir();
const mia = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, MIA_WORKSPACE: '' },
    maxBuffer: 64 * 1024 * 1024,
  });

/** Loss attacks on the leaky demo classifier, one run per entry of `runs`. */
function lossAudit(name: string, runs: Record<string, unknown>[]): string {
  const file = path.join(dir, `${name}.json`);
  const config = {
    dataset: { kind: 'manifest-csv', path: path.join(classifierKit, 'manifest.csv'), name: 'Demo classifier records' },
    target: { kind: 'classifier', name: 'target.onnx', model: path.join(classifierKit, 'target.onnx') },
    runs: runs.map((run) => ({ attack: 'loss', seed: 1, ...run })),
  };
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

const Audit = z.object({
  runs: z.array(
    z.object({
      id: z.number().int().positive(),
      metrics: z.object({ epsilon_lb: z.object({ value: z.number(), delta: z.number(), confidence: z.number() }) }),
    }),
  ),
});

describe('δ of the ε lower bound per run', () => {
  it('takes delta from the audit config into mia audit --json and keeps it for a re-run', () => {
    const workspace = path.join(dir, 'delta.sqlite');
    const config = lossAudit('delta', [{ delta: 0.001 }, {}]);
    const result = mia('audit', '--config', config, '--workspace', workspace, '--json');
    expect(result.status, result.stderr).toBe(0);
    const [set, unset] = Audit.parse(JSON.parse(result.stdout)).runs;
    expect(set!.metrics.epsilon_lb.delta).toBe(0.001);
    expect(unset!.metrics.epsilon_lb.delta).toBe(1e-5);
    // Same scores, a larger δ: 1 − δ − FPR⁺ is smaller at every threshold, so the bound can only be lower or equal.
    expect(set!.metrics.epsilon_lb.value).toBeLessThanOrEqual(unset!.metrics.epsilon_lb.value);

    const db = openWorkspace(workspace, { readonly: true });
    try {
      expect(startRequestOfRun(db, set!.id).epsilonDelta).toBe(0.001);
      expect(startRequestOfRun(db, unset!.id).epsilonDelta).toBeUndefined();
    } finally {
      db.close();
    }
  }, 300_000);

  it('refuses a delta outside (0, 0.1] with exit code 2, naming the run and the field, before any run starts', () => {
    for (const delta of [0, 0.5, -1e-5]) {
      const workspace = path.join(dir, `bad-${delta}.sqlite`);
      const result = mia('audit', '--config', lossAudit(`bad-${delta}`, [{}, { delta }]), '--workspace', workspace, '--json');
      expect(result.status, String(delta)).toBe(2);
      expect(result.stderr).toMatch(/runs\.1\.delta: the ε bound's δ must be (greater than 0|at most 0\.1)/);
      expect(result.stderr).toContain('config.invalid');
      expect(fs.existsSync(workspace)).toBe(false);
    }
  });
});
