// Tidying the workspace through the backend's router on a real SQLite file: datasets and models are renamed (names
// checked, clashes refused) and deleted only when nothing uses them, with refusals that name the users; a delete
// leaves no orphan rows; importing the same content twice is refused with the existing item unless a copy is asked
// for; a null model is linked to its target, and the link is cleared when the target goes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSummary, RunSummary } from '../../src-shared/contract/contract';
import { classifierKit } from '../helpers/demo-kit';
import { createTestBackend } from '../helpers/in-process-bridge';
import { contractCalls } from '../helpers/contract-calls';
import { makeTempDir } from '../helpers/temp-dir';
import { AuditConfig } from '../../src-main/services/audit-config';
import { importAuditTarget } from '../../src-main/services/audit-service';

const dir = makeTempDir();
const { backend } = createTestBackend(dir, 'workspace.sqlite');
afterAll(() => backend.close());

const { call, refusal } = contractCalls(backend);

/** The refusal's code, message and details, for the tests that read what it names. */
async function refused(channel: string, request: unknown): Promise<{ code: string; message: string; details?: Record<string, unknown> }> {
  const result = await backend.router.dispatch(channel, request);
  if (result.ok) throw new Error(`${channel} was expected to fail`);
  return result.error;
}

const count = (sql: string, ...values: unknown[]): number => (backend.db.prepare(sql).get(...values) as { n: number }).n;

/** A small dataset of its own: the demo's first 40 records, their images copied beside a manifest. */
function writeSmallDataset(folder: string): string {
  fs.mkdirSync(path.join(folder, 'images'), { recursive: true });
  const lines = fs.readFileSync(path.join(classifierKit, 'manifest.csv'), 'utf8').trim().split('\n').slice(0, 41);
  for (const line of lines.slice(1)) {
    const image = line.split(',')[1]!;
    fs.copyFileSync(path.join(classifierKit, image), path.join(folder, image));
  }
  fs.writeFileSync(path.join(folder, 'manifest.csv'), `${lines.join('\n')}\n`);
  return path.join(folder, 'manifest.csv');
}

let demoId: number;
let smallId: number;
let target: ModelSummary;
let nullModel: ModelSummary;
let referenceSetId: number;
let run: RunSummary;

beforeAll(async () => {
  demoId = (await call('datasets.import', { kind: 'manifest-csv', path: path.join(classifierKit, 'manifest.csv'), name: 'demo records' }))
    .dataset.id;
  smallId = (await call('datasets.import', { kind: 'manifest-csv', path: writeSmallDataset(path.join(dir, 'small')), name: 'small' }))
    .dataset.id;
  target = await call('models.import', { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') });
  nullModel = await call('models.import', { kind: 'classifier', role: 'null', modelPath: path.join(classifierKit, 'null.onnx') });
  referenceSetId = (
    await call('models.importSet', { purpose: 'reference', manifestPath: path.join(classifierKit, 'reference', 'manifest.json') })
  ).set.id;
  run = await call('runs.start', { attack: 'loss', targetModelId: target.id, datasetId: demoId, nullModelId: nullModel.id, seed: 1 });
  await backend.idle();
  run = await call('runs.get', { runId: run.id });
}, 240_000);

describe('renaming', () => {
  it('renames a dataset and a model, trimming the name', async () => {
    expect((await call('datasets.rename', { datasetId: smallId, name: '  small sample ' })).name).toBe('small sample');
    expect((await call('datasets.list')).find((d) => d.id === smallId)!.name).toBe('small sample');
    expect((await call('models.rename', { modelId: nullModel.id, name: 'null twin' })).name).toBe('null twin');
    nullModel = (await call('models.list')).find((m) => m.id === nullModel.id)!;
    expect(nullModel.name).toBe('null twin');
  });

  it('refuses a name another item of the same kind has, and names that break the limits', async () => {
    const clash = await refused('datasets.rename', { datasetId: smallId, name: 'demo records' });
    expect(clash.code).toBe('dataset.name-taken');
    expect(clash.message).toContain("'demo records'");
    expect(await refusal('models.rename', { modelId: nullModel.id, name: target.name })).toBe('model.name-taken');
    // A model may share a dataset's name: names are unique per kind of item.
    expect((await call('models.rename', { modelId: nullModel.id, name: 'demo records' })).name).toBe('demo records');
    await call('models.rename', { modelId: nullModel.id, name: 'null twin' });
    expect(await refusal('datasets.rename', { datasetId: smallId, name: '   ' })).toBe('ipc.invalid-payload');
    expect(await refusal('datasets.rename', { datasetId: smallId, name: 'x'.repeat(201) })).toBe('ipc.invalid-payload');
    expect(await refusal('models.rename', { modelId: target.id, name: 'two\nlines' })).toBe('ipc.invalid-payload');
    expect(await refusal('models.rename', { modelId: 9999, name: 'ghost' })).toBe('model.not-found');
    expect((await call('datasets.list')).find((d) => d.id === smallId)!.name).toBe('small sample');
  });
});

describe('duplicate imports', () => {
  it('refuses a dataset whose content is already in the workspace, naming it, and leaves no rows behind', async () => {
    const datasets = count('SELECT COUNT(*) AS n FROM datasets');
    const records = count('SELECT COUNT(*) AS n FROM records');
    const error = await refused('datasets.import', { kind: 'manifest-csv', path: path.join(dir, 'small', 'manifest.csv'), name: 'again' });
    expect(error.code).toBe('dataset.duplicate');
    expect(error.details).toEqual({ existingId: smallId, existingName: 'small sample' });
    expect(error.message).toContain("'small sample'");
    expect(count('SELECT COUNT(*) AS n FROM datasets')).toBe(datasets);
    expect(count('SELECT COUNT(*) AS n FROM records')).toBe(records);
  });

  it('finds a duplicate of a dataset imported before content hashes were stored', async () => {
    backend.db.prepare('UPDATE datasets SET content_sha256 = NULL WHERE id = ?').run(smallId);
    expect(
      (await refused('datasets.import', { kind: 'manifest-csv', path: path.join(dir, 'small', 'manifest.csv') })).details,
    ).toMatchObject({
      existingId: smallId,
    });
  });

  it('treats other labels as other content, and imports a copy when asked', async () => {
    const relabelled = path.join(dir, 'small', 'relabelled.csv');
    fs.writeFileSync(relabelled, fs.readFileSync(path.join(dir, 'small', 'manifest.csv'), 'utf8').replace(',audit', ',calibration'));
    const other = (await call('datasets.import', { kind: 'manifest-csv', path: relabelled, name: 'relabelled' })).dataset;
    const copy = (
      await call('datasets.import', { kind: 'manifest-csv', path: path.join(dir, 'small', 'manifest.csv'), allowDuplicate: true })
    ).dataset;
    expect(new Set([smallId, other.id, copy.id]).size).toBe(3);
    await call('datasets.delete', { datasetId: other.id });
    await call('datasets.delete', { datasetId: copy.id });
  });

  it('lets an audit config that names the same records at another path reuse the dataset instead of stopping', async () => {
    const moved = path.join(dir, 'moved');
    fs.cpSync(path.join(dir, 'small'), moved, { recursive: true });
    fs.rmSync(path.join(moved, 'relabelled.csv'), { force: true });
    const datasets = count('SELECT COUNT(*) AS n FROM datasets');
    const steps: string[] = [];
    const config = AuditConfig.parse({
      dataset: { path: 'manifest.csv' },
      target: { kind: 'classifier', model: path.join(classifierKit, 'target.onnx') },
      runs: [{ attack: 'loss' }],
    });
    const imported = await importAuditTarget(backend, config, moved, { onStep: (step) => steps.push(step) });
    expect(imported).toEqual({ datasetId: smallId, targetId: target.id });
    expect(count('SELECT COUNT(*) AS n FROM datasets')).toBe(datasets);
    expect(steps.join('\n')).toContain(`holds the same records as dataset ${smallId}`);
  });

  it('refuses a model whose files are already imported with the same role, and imports a copy when asked', async () => {
    const error = await refused('models.import', { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx'), name: 'again' });
    expect(error.code).toBe('model.duplicate');
    expect(error.details).toEqual({ existingId: target.id, existingName: target.name });
    const copy = await call('models.import', {
      kind: 'classifier',
      modelPath: path.join(classifierKit, 'target.onnx'),
      name: 'target copy',
      allowDuplicate: true,
    });
    expect(copy.id).not.toBe(target.id);
    expect((await call('models.delete', { modelId: copy.id })).id).toBe(copy.id);
  });
});

describe('deleting what is still used', () => {
  it('refuses to delete a dataset used by a run, naming the run', async () => {
    const error = await refused('datasets.delete', { datasetId: demoId });
    expect(error.code).toBe('dataset.in-use');
    expect(error.message).toContain(`Dataset 'demo records' is used by run '${run.name}'`);
    expect(count('SELECT COUNT(*) AS n FROM records WHERE dataset_id = ?', demoId)).toBeGreaterThan(0);
  });

  it('refuses to delete a target, a null model and a set member that runs or sets use, naming them', async () => {
    const asTarget = await refused('models.delete', { modelId: target.id });
    expect(asTarget.code).toBe('model.in-use');
    expect(asTarget.message).toContain(`is used by run '${run.name}'`);
    const asNull = await refused('models.delete', { modelId: nullModel.id });
    expect(asNull.message).toContain(`run as its null model '${run.name}'`);
    const member = (await call('models.list')).find((m) => m.role === 'reference')!;
    const inSet = await refused('models.delete', { modelId: member.id });
    const set = (await call('models.sets')).find((s) => s.id === referenceSetId)!;
    expect(inSet.message).toContain(`model set '${set.name}'`);
    expect(count('SELECT COUNT(*) AS n FROM models')).toBe((await call('models.list')).length);
  });

  it('refuses to delete a run that is still running', async () => {
    const started = await call('runs.start', { attack: 'loss', targetModelId: target.id, datasetId: smallId, seed: 2 });
    expect(await refusal('runs.delete', { runId: started.id })).toBe('run.still-running');
    await backend.idle();
    expect((await call('runs.get', { runId: started.id })).status).toBe('finished');
    await call('runs.delete', { runId: started.id });
  });
});

describe('null model of a target', () => {
  it('links a null model to its target, lists the link, and refuses links that make no sense', async () => {
    expect((await call('models.setNullModel', { modelId: nullModel.id, targetModelId: target.id })).nullForModelId).toBe(target.id);
    // What New run pre-selects from: the null models whose link names the chosen target.
    const linked = (await call('models.list')).filter((m) => m.nullForModelId === target.id).map((m) => m.id);
    expect(linked).toEqual([nullModel.id]);
    expect(await refusal('models.setNullModel', { modelId: target.id, targetModelId: nullModel.id })).toBe('model.bad-null-link');
    expect(await refusal('models.setNullModel', { modelId: nullModel.id, targetModelId: nullModel.id })).toBe('model.bad-null-link');
    expect(await refusal('models.setNullModel', { modelId: nullModel.id, targetModelId: 9999 })).toBe('model.not-found');
  });
});

describe('deleting', () => {
  it('deletes a finished run with its scores, metrics, checks and log', async () => {
    expect(count('SELECT COUNT(*) AS n FROM scores WHERE run_id = ?', run.id)).toBeGreaterThan(0);
    expect((await call('runs.delete', { runId: run.id })).id).toBe(run.id);
    for (const table of ['scores', 'metrics', 'checks', 'run_log']) {
      expect(count(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`, run.id)).toBe(0);
    }
    expect(await refusal('runs.get', { runId: run.id })).toBe('run.not-found');
    expect(await refusal('runs.delete', { runId: run.id })).toBe('run.not-found');
  });

  it('deletes the target once unused, which clears its null model link and keeps the null model', async () => {
    await call('models.delete', { modelId: target.id });
    const models = await call('models.list');
    expect(models.some((m) => m.id === target.id)).toBe(false);
    expect(models.find((m) => m.id === nullModel.id)!.nullForModelId).toBeNull();
    expect(fs.existsSync(path.join(classifierKit, 'target.onnx'))).toBe(true);
  });

  it('deletes a dataset with its records and leaves its source files alone', async () => {
    await call('datasets.delete', { datasetId: demoId });
    expect(count('SELECT COUNT(*) AS n FROM datasets WHERE id = ?', demoId)).toBe(0);
    expect(count('SELECT COUNT(*) AS n FROM records WHERE dataset_id = ?', demoId)).toBe(0);
    expect(count('SELECT COUNT(*) AS n FROM records WHERE dataset_id NOT IN (SELECT id FROM datasets)')).toBe(0);
    expect(fs.existsSync(path.join(classifierKit, 'manifest.csv'))).toBe(true);
    expect(await refusal('datasets.delete', { datasetId: demoId })).toBe('dataset.not-found');
    expect(backend.db.pragma('foreign_key_check')).toEqual([]);
  });
});
