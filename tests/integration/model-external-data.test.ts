// A model whose weights live in a separate file (ONNX external data), through the front door: the weights file is
// hashed at import, part of the model's identity and of a backup, verified before every run; a reference leaving
// the model's folder is refused at import; and a model failing inside ONNX Runtime fails its run with its own code.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelDetails, ModelSummary, RunSummary } from '../../src-shared/contract/contract';
import { readAuditConfig } from '../../src-main/services/audit-config';
import { runAudit } from '../../src-main/services/audit-service';
import type { Backend } from '../../src-main/services/backend';
import { combinedHash, sha256OfFile, verifyModelFiles, type StoredFiles } from '../../src-main/services/model-files';
import { exportWorkspaceBackup, restoreWorkspaceBackup } from '../../src-main/services/workspace-backup';
import { openWorkspace } from '../../src-main/workspace/open-workspace';
import { tinyClasses, tinySide, writeTinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { dumpWorkspace } from '../fixtures/bad/workspace-dump';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { makeTempDir } from '../helpers/temp-dir';
import { buildOnnxModel, writeOnnxWithExternalData } from '../unit/models/helpers/onnx-builder';

const dir = makeTempDir('mia-external-weights-');
const features = tinySide * tinySide;
let backend: Backend;
let datasetId: number;
let kitSidecar: string;

/** The tiny kit's classifier shape, with its weight matrix kept in `location` (relative to the model's folder). */
function writeExternalClassifier(file: string, location: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeOnnxWithExternalData(file, {
    inputs: [{ name: 'pixel_values', type: 'float32', shape: ['batch', 1, tinySide, tinySide] }],
    outputs: [{ name: 'logits', type: 'float32', shape: ['batch', tinyClasses] }],
    initializers: [
      { name: 'flat', type: 'int64', dims: [2], values: [-1, features] },
      {
        name: 'weights',
        type: 'float32',
        dims: [features, tinyClasses],
        values: Array.from({ length: features * tinyClasses }, (_, j) => ((j % 11) - 5) / 40),
        external: { location },
      },
    ],
    nodes: [
      { op: 'Reshape', inputs: ['pixel_values', 'flat'], outputs: ['features'] },
      { op: 'MatMul', inputs: ['features', 'weights'], outputs: ['logits'] },
    ],
  });
  fs.copyFileSync(kitSidecar, file.replace(/\.onnx$/, '.json'));
}

async function importClassifier(modelPath: string): Promise<ModelSummary> {
  // Several tests write the same model at different paths, each meant as a model of its own.
  const result = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath, allowDuplicate: true });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as ModelSummary;
}

/** Flips one byte of a file, in place. */
function flipByte(file: string, at: number): void {
  const bytes = fs.readFileSync(file);
  bytes[at] = (bytes[at] as number) ^ 0xff;
  fs.writeFileSync(file, bytes);
}

beforeAll(async () => {
  backend = createTestBackend(dir).backend;
  const kit = await writeTinyKit(path.join(dir, 'kit'), 24);
  kitSidecar = kit.model.replace(/\.onnx$/, '.json');
  const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kit.manifest });
  if (!dataset.ok) throw new Error(dataset.error.message);
  datasetId = (dataset.data as { dataset: { id: number } }).dataset.id;
}, 120_000);

afterAll(async () => {
  await backend?.idle();
  backend?.close();
});

describe('external weights are part of the model', () => {
  const modelFile = () => path.join(dir, 'external', 'model.onnx');
  const weightsFile = () => path.join(dir, 'external', 'weights.bin');
  let model: ModelSummary;

  it('hashes weights.bin at import and lists it among the model files', async () => {
    writeExternalClassifier(modelFile(), 'weights.bin');
    model = await importClassifier(modelFile());
    const details = await backend.router.dispatch('models.details', { modelId: model.id });
    if (!details.ok) throw new Error(details.error.message);
    const files = (details.data as ModelDetails).files;
    expect(files.map((file) => file.role).sort()).toEqual(['model', 'model:weights.bin']);
    expect(files.find((file) => file.role === 'model:weights.bin')).toEqual({
      role: 'model:weights.bin',
      name: 'weights.bin',
      path: weightsFile(),
      sha256: await sha256OfFile(weightsFile()),
      bytes: fs.statSync(weightsFile()).size,
    });
    // The model's own hash (what runs record as provenance) covers the weights too.
    expect(model.sha256).toBe(combinedHash(Object.fromEntries(files.map((file) => [file.role, { path: file.path, sha256: file.sha256 }]))));
  });

  it('runs, and once weights.bin is edited refuses to start a run with model.file-changed naming weights.bin', async () => {
    const run = await runToEnd(backend, { attack: 'loss', targetModelId: model.id, datasetId, seed: 1 });
    expect(run.status).toBe('finished');
    const original = fs.readFileSync(weightsFile());
    flipByte(weightsFile(), 5);
    try {
      const started = await backend.router.dispatch('runs.start', { attack: 'loss', targetModelId: model.id, datasetId, seed: 2 });
      expect(started.ok).toBe(false);
      if (started.ok) return;
      expect(started.error.code).toBe('model.file-changed');
      expect(started.error.message).toContain('weights.bin');
    } finally {
      fs.writeFileSync(weightsFile(), original);
    }
  });

  it('refuses a model row imported before external weights were hashed, naming weights.bin', async () => {
    const file = path.join(dir, 'legacy', 'model.onnx');
    writeExternalClassifier(file, 'weights.bin');
    const legacy = await importClassifier(file);
    // What an earlier version stored: the .onnx file alone, with a consistent combined hash.
    const files: StoredFiles = { model: { path: file, sha256: await sha256OfFile(file) } };
    backend.db.prepare('UPDATE models SET files = ?, sha256 = ? WHERE id = ?').run(JSON.stringify(files), combinedHash(files), legacy.id);
    const started = await backend.router.dispatch('runs.start', { attack: 'loss', targetModelId: legacy.id, datasetId, seed: 1 });
    expect(started.ok).toBe(false);
    if (started.ok) return;
    expect(started.error.code).toBe('model.file-changed');
    expect(started.error.message).toContain('weights.bin');
  });

  it('keeps the weights hash in a backup: the restored workspace still refuses edited weights', async () => {
    const backup = path.join(dir, 'backup', 'workspace.miabackup');
    fs.mkdirSync(path.dirname(backup), { recursive: true });
    await exportWorkspaceBackup(backend.db, backup);
    const restored = path.join(dir, 'restored', 'workspace.sqlite');
    await restoreWorkspaceBackup(backup, restored);
    const copy = openWorkspace(restored);
    try {
      const row = copy.prepare('SELECT name, files, sha256 FROM models WHERE id = ?').get(model.id) as {
        name: string;
        files: string;
        sha256: string;
      };
      const files = JSON.parse(row.files) as StoredFiles;
      expect(files['model:weights.bin']?.sha256).toBe(await sha256OfFile(weightsFile()));
      await verifyModelFiles(row.name, files, row.sha256);
      const original = fs.readFileSync(weightsFile());
      flipByte(weightsFile(), 9);
      try {
        await expect(verifyModelFiles(row.name, files, row.sha256)).rejects.toMatchObject({
          code: 'model.file-changed',
          message: expect.stringContaining('weights.bin'),
        });
      } finally {
        fs.writeFileSync(weightsFile(), original);
      }
    } finally {
      copy.close();
    }
  });

  it('lets `mia audit` reuse the model while weights.bin is unchanged, and import it anew once it is edited', async () => {
    const configFile = path.join(dir, 'audit.yaml');
    fs.writeFileSync(
      configFile,
      `dataset:\n  path: kit/manifest.csv\ntarget:\n  kind: classifier\n  model: external/model.onnx\nruns:\n  - attack: loss\n    seed: 3\n`,
    );
    const { config, baseDir } = readAuditConfig(configFile);
    const [reused] = await runAudit(backend, config, baseDir);
    expect(reused).toMatchObject({ status: 'finished', targetModelId: model.id });
    const original = fs.readFileSync(weightsFile());
    flipByte(weightsFile(), 13);
    try {
      const [fresh] = await runAudit(backend, config, baseDir);
      expect(fresh?.status).toBe('finished');
      expect(fresh?.targetModelId).not.toBe(model.id);
    } finally {
      fs.writeFileSync(weightsFile(), original);
    }
  });
});

describe('refusals', () => {
  it('refuses a reference to ../outside.bin at import with model.external-data-outside naming it, changing nothing', async () => {
    const file = path.join(dir, 'escape', 'model', 'model.onnx');
    writeExternalClassifier(file, '../outside.bin');
    expect(fs.existsSync(path.join(dir, 'escape', 'outside.bin'))).toBe(true);
    const before = dumpWorkspace(backend.db);
    const result = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: file });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('model.external-data-outside');
    expect(result.error.message).toContain('../outside.bin');
    expect(dumpWorkspace(backend.db)).toEqual(before);
  });

  it('fails a run whose model fails inside ONNX Runtime with model.runtime-failed and the runtime words', async () => {
    const file = path.join(dir, 'runtime', 'model.onnx');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Declared like the kit's classifier, but the reshape asks for 65 values per image where there are 64.
    fs.writeFileSync(
      file,
      buildOnnxModel({
        inputs: [{ name: 'pixel_values', type: 'float32', shape: ['batch', 1, tinySide, tinySide] }],
        outputs: [{ name: 'logits', type: 'float32', shape: ['batch', tinyClasses] }],
        initializers: [
          { name: 'flat', type: 'int64', dims: [2], values: [-1, features + 1] },
          {
            name: 'weights',
            type: 'float32',
            dims: [features + 1, tinyClasses],
            values: new Array<number>((features + 1) * tinyClasses).fill(0.01),
          },
        ],
        nodes: [
          { op: 'Reshape', inputs: ['pixel_values', 'flat'], outputs: ['features'] },
          { op: 'MatMul', inputs: ['features', 'weights'], outputs: ['logits'] },
        ],
      }),
    );
    fs.copyFileSync(kitSidecar, file.replace(/\.onnx$/, '.json'));
    const model = await importClassifier(file);
    const run: RunSummary = await runToEnd(backend, { attack: 'loss', targetModelId: model.id, datasetId, seed: 1 });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'model.runtime-failed', message: expect.stringMatching(/ONNX Runtime.*Reshape/s) });
  });
});
