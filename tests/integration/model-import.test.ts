// Importing classifier models into a real workspace file (models written by the tests and the demo kit), and
// starting runs on them through the router and a real engine host: a model whose file changed is never used.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { ModelSummary, RunSummary } from '../../src-shared/contract/contract';
import { MiaError } from '../../src-main/common/errors';
import { membershipMask } from '../../src-main/engine/attacks/classifier/classifier-target';
import type { Backend } from '../../src-main/services/backend';
import { importDataset } from '../../src-main/services/dataset-import';
import { importClassifier, importModelSet } from '../../src-main/services/model-import';
import { getStoredModel, listModelSets, listStoredModelsInSet } from '../../src-main/workspace/models-repo';
import { openWorkspace, type WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { listRecordsForAttack } from '../../src-main/workspace/records-repo';
import { writeTinyClassifier, writeTinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { writeCsvManifest, writeImage } from '../fixtures/datasets/build-fixtures';
import { classifierKit } from '../helpers/demo-kit';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { makeTempDir } from '../helpers/temp-dir';
import { writeLinearClassifier } from '../unit/models/helpers/onnx-builder';

async function caught(promise: Promise<unknown>): Promise<MiaError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MiaError) return error;
    throw error;
  }
  throw new Error('expected a MiaError');
}

/** The SHA-256 of a file's bytes, computed here rather than by the code under test. */
const sha256Of = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const tinyConfig = { classes: 3, preprocess: { width: 2, height: 2, channels: 1 as const } };

describe('import into a fresh workspace', () => {
  const root = makeTempDir('mia-model-import-');
  let folder: string;
  let db: WorkspaceDb;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(root, 'case-'));
    db = openWorkspace(path.join(folder, 'workspace.sqlite'));
  });
  afterEach(() => db.close());

  const modelCount = () => (db.prepare('SELECT COUNT(*) AS n FROM models').get() as { n: number }).n;

  test('refuses a non-ONNX file named .onnx and writes no row', async () => {
    const fake = path.join(folder, 'model.onnx');
    fs.writeFileSync(fake, '{"not": "a model"}');
    const error = await caught(
      importClassifier(db, {
        kind: 'classifier',
        modelPath: fake,
        config: { classes: 10, preprocess: { width: 28, height: 28, channels: 1 } },
      }),
    );
    expect(error.code).toBe('model.not-onnx');
    expect(error.message).toContain('model.onnx');
    expect(modelCount()).toBe(0);
  });

  test('stores absolute paths and file hashes, and the same bytes elsewhere give the same model hash', async () => {
    const first = path.join(folder, 'a', 'tiny.onnx');
    const second = path.join(folder, 'b', 'tiny.onnx');
    fs.mkdirSync(path.dirname(first));
    fs.mkdirSync(path.dirname(second));
    writeLinearClassifier(first);
    writeLinearClassifier(second);
    const a = await importClassifier(db, { kind: 'classifier', modelPath: first, config: tinyConfig });
    const b = await importClassifier(db, { kind: 'classifier', modelPath: second, role: 'null', config: tinyConfig });
    expect(a.sha256).toBe(b.sha256);
    expect(getStoredModel(db, a.id).files).toEqual({ model: { path: first, sha256: sha256Of(first) } });
    expect(getStoredModel(db, b.id).files).toEqual({ model: { path: second, sha256: sha256Of(second) } });
  });

  test('imports a shadow set from a manifest and refuses one with a missing model, importing none of it', async () => {
    writeLinearClassifier(path.join(folder, 'shadow_00.onnx'));
    writeLinearClassifier(path.join(folder, 'shadow_01.onnx'), { softmax: true });
    const manifestFile = path.join(folder, 'manifest.json');
    fs.writeFileSync(
      manifestFile,
      JSON.stringify({
        models: [
          { path: 'shadow_00.onnx', trained_on: ['r1', 'r2'] },
          { path: 'shadow_01.onnx', trained_on: ['r3'] },
        ],
      }),
    );
    const { setId, models } = await importModelSet(db, { purpose: 'shadow', manifestPath: manifestFile, config: tinyConfig });
    expect(models.map((m) => [m.name, m.role])).toEqual([
      ['shadow_00', 'shadow'],
      ['shadow_01', 'shadow'],
    ]);
    const stored = listStoredModelsInSet(db, setId);
    expect(stored.map((row) => [row.name, row.trainedOn])).toEqual([
      ['shadow_00', ['r1', 'r2']],
      ['shadow_01', ['r3']],
    ]);

    fs.writeFileSync(
      manifestFile,
      JSON.stringify({
        models: [
          { path: 'shadow_00.onnx', trained_on: ['a'] },
          { path: 'shadow_99.onnx', trained_on: ['b'] },
        ],
      }),
    );
    const error = await caught(importModelSet(db, { purpose: 'shadow', manifestPath: manifestFile, config: tinyConfig }));
    expect(error.code).toBe('model.file-missing');
    expect(error.message).toContain('shadow_99.onnx');
    expect(modelCount()).toBe(2);
    expect(listModelSets(db)).toHaveLength(1);
  });

  test("takes integer trained_on ids as the dataset's id text: the imported set marks exactly those records IN", async () => {
    // Record ids "0" … "5", as an IDX or CIFAR import keys its records (and as CSV exports of them read).
    const rows = [];
    for (let i = 0; i < 6; i += 1) {
      await writeImage(path.join(folder, 'images', `${i}.png`), 'png', 8, 8, 1, i + 1);
      rows.push({ id: String(i), path: `images/${i}.png`, label: String(i % 3) });
    }
    writeCsvManifest(path.join(folder, 'records.csv'), rows, ['id', 'path', 'label']);
    const { dataset } = await importDataset(db, { kind: 'manifest-csv', path: path.join(folder, 'records.csv') });
    writeLinearClassifier(path.join(folder, 'ref_00.onnx'));
    writeLinearClassifier(path.join(folder, 'ref_01.onnx'));
    const manifestFile = path.join(folder, 'manifest.json');
    fs.writeFileSync(
      manifestFile,
      JSON.stringify({
        models: [
          { path: 'ref_00.onnx', trained_on: [0, 1, 3] },
          { path: 'ref_01.onnx', trained_on: ['2', 4, 5] },
        ],
      }),
    );
    const { setId } = await importModelSet(db, { purpose: 'reference', manifestPath: manifestFile, config: tinyConfig });
    const stored = listStoredModelsInSet(db, setId);
    expect(stored.map((row) => row.trainedOn)).toEqual([
      ['0', '1', '3'],
      ['2', '4', '5'],
    ]);
    // The attacks' own IN/OUT matching against the stored dataset's keys.
    const records = listRecordsForAttack(db, dataset.id);
    expect(stored.map((row) => [...membershipMask(records, new Set(row.trainedOn))])).toEqual([
      [1, 1, 0, 1, 0, 0],
      [0, 0, 1, 0, 1, 1],
    ]);
  });

  test.each([
    ['a fraction', '1.5', /item 3 is 1\.5/],
    ['a negative number', '-1', /item 3 is -1/],
    ['a number past 2^53 - 1, which JSON cannot keep exact', '9007199254740993', /item 3 is 9007199254740992/],
  ])('refuses a trained_on id that is %s, naming the manifest entry and item, importing none of the set', async (_, written, item) => {
    writeLinearClassifier(path.join(folder, 'ref_00.onnx'));
    writeLinearClassifier(path.join(folder, 'ref_01.onnx'));
    const manifestFile = path.join(folder, 'manifest.json');
    // Written as text: JSON.stringify could not write the number past 2^53 - 1 as it appears in a file.
    fs.writeFileSync(
      manifestFile,
      `{"models": [{"path": "ref_00.onnx", "trained_on": [0, 1]}, {"path": "ref_01.onnx", "trained_on": [2, 3, ${written}]}]}`,
    );
    const error = await caught(importModelSet(db, { purpose: 'reference', manifestPath: manifestFile, config: tinyConfig }));
    expect(error.code).toBe('model.bad-trained-on-id');
    expect(error.message).toContain(`Model manifest ${manifestFile}, entry 2 (ref_01.onnx)`);
    expect(error.message).toMatch(item);
    expect(modelCount()).toBe(0);
    expect(listModelSets(db)).toHaveLength(0);
  });

  test('refuses an import request that does not fit its schema', async () => {
    const error = await caught(importClassifier(db, { kind: 'classifier', modelPath: '', role: 'owner' } as never));
    expect(error.code).toBe('model.bad-import-request');
    expect(error.message).toMatch(/modelPath/);
  });

  test('imports the demo classifier with its sidecar: absolute paths, hashes, config and the I/O read from the model', async () => {
    const modelFile = path.join(classifierKit, 'target.onnx');
    const summary = await importClassifier(db, { kind: 'classifier', modelPath: modelFile });
    expect(summary).toMatchObject({ name: 'target', kind: 'classifier', role: 'target' });
    const row = getStoredModel(db, summary.id);
    expect(row.files).toEqual({ model: { path: modelFile, sha256: sha256Of(modelFile) } });
    expect(row.config).toMatchObject({
      kind: 'classifier',
      classes: 10,
      output: 'logits',
      preprocess: { width: 28, channels: 1, mean: [0.5], layout: 'NCHW' },
    });
    expect(row.io.model?.inputs).toEqual([{ name: 'pixel_values', dtype: 'float32', shape: ['batch', 1, 28, 28] }]);
  });

  test('refuses a demo import whose preprocessing does not fit the model, before writing anything', async () => {
    const error = await caught(
      importClassifier(db, {
        kind: 'classifier',
        modelPath: path.join(classifierKit, 'target.onnx'),
        config: { preprocess: { width: 32, height: 32, channels: 3 } },
      }),
    );
    expect(error.code).toBe('model.incompatible');
    expect(error.message).toMatch(
      /channels: the model takes 1, the preprocessing gives 3; height: the model takes 28, the preprocessing gives 32/,
    );
    expect(modelCount()).toBe(0);
  });

  test("keeps a null model's training ids from its sidecar", async () => {
    const sidecar = JSON.parse(fs.readFileSync(path.join(classifierKit, 'null.json'), 'utf8')) as { trained_on_ids: string[] };
    const { id } = await importClassifier(db, { kind: 'classifier', role: 'null', modelPath: path.join(classifierKit, 'null.onnx') });
    const row = getStoredModel(db, id);
    expect(row.role).toBe('null');
    expect(row.trainedOn).toEqual(sidecar.trained_on_ids);
  });

  test('imports the demo reference set from its manifest: one row per model with role, set id and trained_on', async () => {
    const manifestFile = path.join(classifierKit, 'reference', 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { models: { path: string; trained_on: string[] }[] };
    const { setId, models } = await importModelSet(db, { purpose: 'reference', manifestPath: manifestFile });
    expect(models).toHaveLength(manifest.models.length);
    expect(listModelSets(db)).toEqual([expect.objectContaining({ id: setId, purpose: 'reference', manifest_path: manifestFile })]);
    const stored = listStoredModelsInSet(db, setId);
    expect(stored.map((row) => row.name)).toEqual(manifest.models.map((m) => path.basename(m.path, '.onnx')));
    expect(stored.every((row) => row.role === 'reference' && row.modelSetId === setId)).toBe(true);
    expect(stored.map((row) => row.trainedOn)).toEqual(manifest.models.map((m) => m.trained_on));
  });
});

describe('starting a run on an imported model', () => {
  const dir = makeTempDir('mia-model-run-');
  let backend: Backend;
  let datasetId: number;

  async function importModel(modelPath: string, role: 'target' | 'null' = 'target'): Promise<ModelSummary> {
    // The tiny models of these tests are byte-identical at several paths: each is meant as a model of its own.
    const result = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath, role, allowDuplicate: true });
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return result.data as ModelSummary;
  }

  const runCount = () => (backend.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;

  /** Starts a run on a model whose file was just changed: it must be refused, naming the file, with no run row. */
  async function expectRefusedAfterChange(request: Record<string, unknown>, file: string): Promise<void> {
    const original = fs.readFileSync(file);
    const runsBefore = runCount();
    fs.appendFileSync(file, Buffer.from([0]));
    try {
      const started = await backend.router.dispatch('runs.start', request);
      expect(started.ok).toBe(false);
      if (started.ok) return;
      expect(started.error.code).toBe('model.file-changed');
      expect(started.error.message).toContain(path.basename(file));
      expect(runCount()).toBe(runsBefore);
    } finally {
      fs.writeFileSync(file, original);
    }
  }

  beforeAll(async () => {
    backend = createTestBackend(dir).backend;
    const kit = await writeTinyKit(path.join(dir, 'kit'), 24);
    const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kit.manifest });
    if (!dataset.ok) throw new Error(dataset.error.message);
    datasetId = (dataset.data as { dataset: { id: number } }).dataset.id;
  }, 120_000);
  afterAll(async () => {
    await backend?.idle();
    backend?.close();
  });

  test('runs a model while its file is unchanged, and refuses to start once the .onnx file changed', async () => {
    const file = path.join(dir, 'target', 'changing-model.onnx');
    writeTinyClassifier(file);
    const model = await importModel(file);
    const run: RunSummary = await runToEnd(backend, { attack: 'loss', targetModelId: model.id, datasetId, seed: 1 });
    expect(run.status).toBe('finished');
    await expectRefusedAfterChange({ attack: 'loss', targetModelId: model.id, datasetId, seed: 2 }, file);
    // Restored to the imported bytes, the model is usable again.
    expect((await runToEnd(backend, { attack: 'loss', targetModelId: model.id, datasetId, seed: 3 })).status).toBe('finished');
  });

  test('refuses to start a run whose null model file changed, naming it', async () => {
    const targetFile = path.join(dir, 'with-null', 'target.onnx');
    const nullFile = path.join(dir, 'with-null', 'null-model.onnx');
    writeTinyClassifier(targetFile);
    writeTinyClassifier(nullFile);
    const target = await importModel(targetFile);
    const nullModel = await importModel(nullFile, 'null');
    await expectRefusedAfterChange({ attack: 'loss', targetModelId: target.id, datasetId, seed: 1, nullModelId: nullModel.id }, nullFile);
  });
});
