// `mia audit` with `train: { backend: slurm, … }`: the built CLI, as a user runs it, trains the reference models as a
// job array on a real single-node cluster (tools/slurm/start-cluster.sh), imports them and runs LiRA on them. Fails,
// saying why, where the cluster cannot start.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifierKit } from '../helpers/demo-kit';
import { startTestCluster, type TestCluster } from '../helpers/slurm-cluster';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-slurm-cli-');
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

/** Runs the built CLI from a folder outside the checkout, with the cluster's SLURM_CONF. */
function mia(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), ...args], {
      cwd: dir,
      env: { ...process.env, MIA_WORKSPACE: '', SLURM_CONF: cluster.conf },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('mia audit with references trained through Slurm', () => {
  it('submits the plan as one array, imports the trained references and runs LiRA on them', async () => {
    const config = path.join(dir, 'slurm-audit.yaml');
    fs.writeFileSync(
      config,
      [
        'title: Demo classifier with references trained on Slurm',
        `dataset: { kind: manifest-csv, path: ${JSON.stringify(path.join(classifierKit, 'manifest.csv'))} }`,
        `target: { kind: classifier, model: ${JSON.stringify(path.join(classifierKit, 'target.onnx'))} }`,
        'references:',
        '  name: Slurm references',
        '  train:',
        '    folder: slurm-references',
        '    count: 2',
        '    seed: 1',
        '    epochs: 2',
        '    backend: slurm',
        '    slurm: { python: /usr/bin/python3, pollSeconds: 0.5, cpusPerTask: 1, time: "10:00" }',
        'runs:',
        '  - attack: lira',
        '    seed: 1',
        '',
      ].join('\n'),
    );
    const result = await mia('audit', '--config', config, '--workspace', path.join(dir, 'audit.sqlite'));
    expect(result.stderr).toMatch(/Submitted to Slurm as array job \d+ \(tasks 0-1\)/);
    expect(result.stderr).toMatch(/Verified and imported 2 models as set "Slurm references"/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/lira\s+finished\s+AUC 0\.\d{3}/);
    expect(fs.existsSync(path.join(dir, 'slurm-references', 'ref_01.onnx'))).toBe(true);
  }, 300_000);

  it('refuses a Slurm setting that does not fit, naming the key, before anything is submitted', async () => {
    const config = path.join(dir, 'bad-slurm.yaml');
    fs.writeFileSync(
      config,
      [
        `dataset: { kind: manifest-csv, path: ${JSON.stringify(path.join(classifierKit, 'manifest.csv'))} }`,
        `target: { kind: classifier, model: ${JSON.stringify(path.join(classifierKit, 'target.onnx'))} }`,
        'references:',
        '  train: { folder: never, count: 2, backend: slurm, slurm: { partition: "-x; rm -rf" } }',
        'runs:',
        '  - attack: lira',
        '',
      ].join('\n'),
    );
    const result = await mia('audit', '--config', config, '--workspace', path.join(dir, 'bad.sqlite'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/references\.train\.slurm\.partition/);
    expect(fs.existsSync(path.join(dir, 'never'))).toBe(false);
  });
});
