// Importing models into a real workspace file and reopening them for a run (demo kit classifier models).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { MiaError } from '../../src-main/common/errors';
import { importClassifier, importModelSet } from '../../src-main/services/model-import';
import { expectFamily, loadModelForRun, loadModelSetForRun } from '../../src-main/services/model-load';
import { getStoredModel, listModelSets } from '../../src-main/workspace/models-repo';
import { openWorkspace, type WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { demoExists, demoFile, maxAbsDifference, readJson, readTensor, type TensorDescriptor } from '../unit/models/helpers/demo-kit';
import { writeLinearClassifier } from '../unit/models/helpers/onnx-builder';

const hasClassifier = demoExists('classifier', 'DONE');

async function caught(promise: Promise<unknown>): Promise<MiaError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MiaError) return error;
    throw error;
  }
  throw new Error('expected a MiaError');
}

let folder: string;
let db: WorkspaceDb;
beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-model-import-'));
  db = openWorkspace(path.join(folder, 'workspace.sqlite'));
});
afterEach(() => {
  db.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

const modelCount = () => (db.prepare('SELECT COUNT(*) AS n FROM models').get() as { n: number }).n;

test('refuses a non-ONNX file named .onnx and writes no row', async () => {
  const fake = path.join(folder, 'model.onnx');
  fs.writeFileSync(fake, '{"not": "a model"}');
  const error = await caught(importClassifier(db, { kind: 'classifier', modelPath: fake, config: { classes: 10, preprocess: { width: 28, height: 28, channels: 1 } } }));
  expect(error.code).toBe('model.not-onnx');
  expect(error.message).toContain('model.onnx');
  expect(modelCount()).toBe(0);
});

const tinyConfig = { classes: 3, preprocess: { width: 2, height: 2, channels: 1 as const } };

describe('classifier import with models written by the tests', () => {
  test('stores absolute paths and hashes, and the same bytes elsewhere give the same model hash', async () => {
    const first = path.join(folder, 'a', 'tiny.onnx');
    const second = path.join(folder, 'b', 'tiny.onnx');
    fs.mkdirSync(path.dirname(first));
    fs.mkdirSync(path.dirname(second));
    writeLinearClassifier(first);
    writeLinearClassifier(second);
    const a = await importClassifier(db, { kind: 'classifier', modelPath: first, config: tinyConfig });
    const b = await importClassifier(db, { kind: 'classifier', modelPath: second, role: 'null', config: tinyConfig });
    expect(a.sha256).toBe(b.sha256);
    expect(JSON.parse(getStoredModel(db, b.id).files)).toEqual({ model: { path: second, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const loaded = expectFamily(await loadModelForRun(db, a.id), 'classifier');
    const result = await loaded.adapter.predictImages([{ data: Uint8Array.of(255, 0, 0, 255), width: 2, height: 2, channels: 1 }]);
    // x = [1, 0, 0, 1] → logits_k = (1 + 4)·(k − 1)/10
    expect(Array.from(result.logits ?? [])).toEqual([-0.5, 0, 0.5]);
    await loaded.adapter.release();
  });

  test('refuses to run a model whose file changed after import, naming the file', async () => {
    const file = path.join(folder, 'changing-model.onnx');
    writeLinearClassifier(file);
    const { id } = await importClassifier(db, { kind: 'classifier', modelPath: file, config: tinyConfig });
    writeLinearClassifier(file, { classes: 4 });
    const error = await caught(loadModelForRun(db, id));
    expect(error.code).toBe('model.file-changed');
    expect(error.message).toContain('changing-model.onnx');
  });

  test('imports a shadow set from a manifest and refuses one with a missing model, importing none of it', async () => {
    writeLinearClassifier(path.join(folder, 'shadow_00.onnx'));
    writeLinearClassifier(path.join(folder, 'shadow_01.onnx'), { softmax: true });
    const manifestFile = path.join(folder, 'manifest.json');
    fs.writeFileSync(manifestFile, JSON.stringify({ models: [{ path: 'shadow_00.onnx', trained_on: ['r1', 'r2'] }, { path: 'shadow_01.onnx', trained_on: ['r3'] }] }));
    const { setId, models } = await importModelSet(db, { purpose: 'shadow', manifestPath: manifestFile, config: tinyConfig });
    expect(models.map((m) => [m.name, m.role])).toEqual([['shadow_00', 'shadow'], ['shadow_01', 'shadow']]);
    expect(JSON.parse(getStoredModel(db, (models[1] as { id: number }).id).trained_on ?? 'null')).toEqual(['r3']);
    const loaded = await loadModelSetForRun(db, setId);
    expect(loaded.map((m) => m.trainedOn)).toEqual([['r1', 'r2'], ['r3']]);
    for (const model of loaded) await model.adapter.release();

    fs.writeFileSync(manifestFile, JSON.stringify({ models: [{ path: 'shadow_00.onnx', trained_on: ['a'] }, { path: 'shadow_99.onnx', trained_on: ['b'] }] }));
    const error = await caught(importModelSet(db, { purpose: 'shadow', manifestPath: manifestFile, config: tinyConfig }));
    expect(error.code).toBe('model.file-missing');
    expect(error.message).toContain('shadow_99.onnx');
    expect(modelCount()).toBe(2);
    expect(listModelSets(db)).toHaveLength(1);
  });

  test('refuses an import request that does not fit its schema', async () => {
    const error = await caught(importClassifier(db, { kind: 'classifier', modelPath: '', role: 'owner' } as never));
    expect(error.code).toBe('model.bad-import-request');
    expect(error.message).toMatch(/modelPath/);
  });
});

describe.skipIf(!hasClassifier)('demo classifier import (skipped: resources/demo/classifier has no DONE file yet)', () => {
  test('imports a classifier with its sidecar: absolute paths, hashes, config and the I/O read from the model', async () => {
    const summary = await importClassifier(db, { kind: 'classifier', modelPath: demoFile('classifier', 'target.onnx') });
    expect(summary).toMatchObject({ name: 'target', kind: 'classifier', role: 'target' });
    expect(summary.sha256).toMatch(/^[0-9a-f]{64}$/);
    const row = getStoredModel(db, summary.id);
    const files = JSON.parse(row.files) as Record<string, { path: string; sha256: string }>;
    expect(path.isAbsolute(files.model?.path ?? '')).toBe(true);
    const config = JSON.parse(row.config);
    expect(config).toMatchObject({ kind: 'classifier', classes: 10, output: 'logits', preprocess: { width: 28, channels: 1, mean: [0.5], layout: 'NCHW' } });
    expect(JSON.parse(row.io).model.inputs).toEqual([{ name: 'pixel_values', dtype: 'float32', shape: ['batch', 1, 28, 28] }]);
  });

  test('reopens an imported classifier for a run and reproduces the PyTorch goldens', async () => {
    const { id } = await importClassifier(db, { kind: 'classifier', modelPath: demoFile('classifier', 'target.onnx') });
    const loaded = expectFamily(await loadModelForRun(db, id), 'classifier');
    const golden = readJson<{ ids: string[]; input: TensorDescriptor; models: Record<string, { output: TensorDescriptor }> }>(demoFile('classifier', 'goldens', 'parity.json'));
    const input = Float32Array.from(readTensor(golden.input, demoFile('classifier', 'goldens')));
    const result = await loaded.adapter.predict(input, golden.ids.length);
    expect(maxAbsDifference(result.logits ?? [], readTensor((golden.models.target as { output: TensorDescriptor }).output, ''))).toBeLessThan(1e-5);
    await loaded.adapter.release();
  });

  test('refuses an import whose preprocessing does not fit the model, before writing anything', async () => {
    const error = await caught(
      importClassifier(db, { kind: 'classifier', modelPath: demoFile('classifier', 'target.onnx'), config: { preprocess: { width: 32, height: 32, channels: 3 } } }),
    );
    expect(error.code).toBe('model.incompatible');
    expect(error.message).toMatch(/channels: the model takes 1, the preprocessing gives 3; height: the model takes 28, the preprocessing gives 32/);
    expect(modelCount()).toBe(0);
  });

  test("keeps a null model's training ids from its sidecar", async () => {
    const { id } = await importClassifier(db, { kind: 'classifier', role: 'null', modelPath: demoFile('classifier', 'null.onnx') });
    const row = getStoredModel(db, id);
    expect(row.role).toBe('null');
    expect((JSON.parse(row.trained_on ?? '[]') as string[]).length).toBeGreaterThan(0);
  });

  test('imports a reference set from its manifest: one row per model with role, set id and trained_on', async () => {
    const manifestFile = demoFile('classifier', 'reference', 'manifest.json');
    const manifest = readJson<{ models: { path: string; trained_on: string[] }[] }>(manifestFile);
    const { setId, models } = await importModelSet(db, { purpose: 'reference', manifestPath: manifestFile });
    expect(models).toHaveLength(manifest.models.length);
    expect(listModelSets(db)).toEqual([expect.objectContaining({ id: setId, purpose: 'reference', manifest_path: manifestFile })]);
    const first = getStoredModel(db, (models[0] as { id: number }).id);
    expect(first).toMatchObject({ role: 'reference', model_set_id: setId, name: 'ref_00' });
    expect(JSON.parse(first.trained_on ?? 'null')).toEqual(manifest.models[0]?.trained_on);
    const loaded = await loadModelSetForRun(db, setId);
    expect(loaded.map((m) => m.trainedOn?.length)).toEqual(manifest.models.map((m) => m.trained_on.length));
    for (const model of loaded) await model.adapter.release();
  });
});
