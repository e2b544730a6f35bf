// The two conditional diffusion demos (issue 18) as an auditor runs them: `mia audit` on each pipeline folder's
// audit.yaml through the built command line prints a finished run of every diffusion attack, and ReDiffuse finds the
// members (AUC at least 0.7, the bar the issue sets). Also the fit check before Start for a class-conditional target:
// records without a label, or with a class the model does not have, are named there instead of failing in the engine.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contractCalls } from '../helpers/contract-calls';
import { demoDir } from '../helpers/demo-kit';
import { createTestBackend } from '../helpers/in-process-bridge';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-pipeline-demos-');

interface AuditRun {
  attack: string;
  status: string;
  metrics: { auc: number };
}

function audit(folder: string): AuditRun[] {
  const result = spawnSync(
    process.execPath,
    [
      path.join(repoRoot, 'bin', 'mia.js'),
      'audit',
      '--config',
      path.join(demoDir, folder, 'audit.yaml'),
      '--workspace',
      path.join(dir, `${folder}.sqlite`),
      '--json',
    ],
    { encoding: 'utf8', env: { ...process.env, MIA_WORKSPACE: '' }, maxBuffer: 64 * 1024 * 1024 },
  );
  expect(result.status, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { runs: AuditRun[] }).runs;
}

describe.each(['dit', 'latent-diffusion'])('mia audit of the %s pipeline folder', (folder) => {
  it('finishes every diffusion attack, and ReDiffuse separates members with AUC ≥ 0.7', () => {
    const runs = audit(folder);
    expect(new Set(runs.map((run) => run.attack))).toEqual(new Set(['rediffuse', 'secmi', 'pia', 'diffusion-loss']));
    for (const run of runs) expect(run.status, run.attack).toBe('finished');
    // Measured on this demo: 0.9998 (DiT) and 0.998 (latent pipeline, captions); 0.792 for the empty prompt.
    for (const run of runs.filter((r) => r.attack === 'rediffuse')) expect(run.metrics.auc).toBeGreaterThanOrEqual(0.7);
  }, 180_000);
});

describe('fit of records to a class-conditional pipeline', () => {
  const { backend } = createTestBackend(dir, 'fit.sqlite');
  afterAll(async () => {
    await backend.idle();
    backend.close();
  });

  it('names records without a label and labels the model has no class for, before Start', async () => {
    const { call, refusal } = contractCalls(backend);
    const model = await call('models.import', { kind: 'diffusion', pipelinePath: path.join(demoDir, 'dit') });
    // The DiT's own records, with the first record's label removed and the second's set to class 12 (it knows 0…9).
    const lines = fs
      .readFileSync(path.join(demoDir, 'dit', 'manifest.csv'), 'utf8')
      .trim()
      .split('\n');
    const edit = (line: string, label: string) =>
      line
        .split(',')
        .map((cell, i) => (i === 2 ? label : cell))
        .join(',');
    const edited = [lines[0], edit(lines[1]!, ''), edit(lines[2]!, '12'), ...lines.slice(3)].join('\n');
    const copy = path.join(dir, 'edited-dit-records');
    fs.cpSync(path.join(demoDir, 'dit', 'images'), path.join(copy, 'images'), { recursive: true });
    fs.writeFileSync(path.join(copy, 'manifest.csv'), `${edited}\n`);
    const datasetId = (
      await call('datasets.import', { kind: 'manifest-csv', path: path.join(copy, 'manifest.csv'), name: 'edited dit records' })
    ).dataset.id;
    const fit = await call('models.fit', { modelId: model.id, datasetId });
    const byKind = new Map(fit.mismatches.map((mismatch) => [mismatch.kind, mismatch.message]));
    expect(byKind.get('labels')).toContain('1 audited or calibration records');
    expect(byKind.get('classes')).toContain('labelled 12');
    expect(await refusal('runs.start', { attack: 'diffusion-loss', targetModelId: model.id, datasetId, seed: 1 })).toBe(
      'run.data-mismatch',
    );
  }, 120_000);
});
