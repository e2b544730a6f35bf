// The workspace's JSON columns are parsed by their one schema when a row is read: callers get typed objects, and a
// column that is not what its schema says is refused as `workspace.corrupt-column`, naming the column and the row.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiaError } from '../../../src-main/common/errors';
import { runDetails } from '../../../src-main/services/run-report';
import { insertModel } from '../../../src-main/workspace/model-writes';
import { getStoredModel, listSingleModelsWithRole } from '../../../src-main/workspace/models-repo';
import { openWorkspace, type WorkspaceDb } from '../../../src-main/workspace/open-workspace';
import { createRun, getRunConfig, getRunProvenance } from '../../../src-main/workspace/runs-repo';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir();
let workspaces = 0;

function workspaceWithModel(): { db: WorkspaceDb; modelId: number } {
  const db = openWorkspace(path.join(dir, `w${++workspaces}.sqlite`));
  const modelId = insertModel(db, {
    name: 'target',
    kind: 'classifier',
    role: 'target',
    modelSetId: null,
    files: { model: { path: '/models/target.onnx', sha256: 'aa' } },
    sha256: 'bb',
    config: { kind: 'classifier', classes: 3 },
    io: {
      model: {
        inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 1, 4, 4] }],
        outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 3] }],
      },
    },
    trainedOn: ['r1', 'r2'],
  });
  return { db, modelId };
}

function corruptionOf(read: () => unknown): { code: string; message: string } {
  try {
    read();
  } catch (error) {
    if (error instanceof MiaError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected the read to be refused');
}

describe('JSON columns of the workspace', () => {
  it('reads a model row with its files, configuration, I/O and training keys as objects', () => {
    const { db, modelId } = workspaceWithModel();
    const model = getStoredModel(db, modelId);
    expect(model.files).toEqual({ model: { path: '/models/target.onnx', sha256: 'aa' } });
    expect(model.config).toEqual({ kind: 'classifier', classes: 3 });
    expect(model.io.model?.outputs).toEqual([{ name: 'y', dtype: 'float32', shape: ['batch', 3] }]);
    expect(model.trainedOn).toEqual(['r1', 'r2']);
    expect(listSingleModelsWithRole(db, 'target').map((m) => m.id)).toEqual([modelId]);
    expect(listSingleModelsWithRole(db, 'null')).toEqual([]);
    db.close();
  });

  it('refuses a model whose files column is not JSON, or not a map of path and hash', () => {
    const { db, modelId } = workspaceWithModel();
    db.prepare('UPDATE models SET files = ? WHERE id = ?').run('{"model": ', modelId);
    expect(corruptionOf(() => getStoredModel(db, modelId))).toEqual({
      code: 'workspace.corrupt-column',
      message: expect.stringContaining(`files of model ${modelId}`),
    });
    db.prepare('UPDATE models SET files = ? WHERE id = ?').run('{"model": {"path": 7}}', modelId);
    expect(corruptionOf(() => getStoredModel(db, modelId))).toEqual({
      code: 'workspace.corrupt-column',
      message: expect.stringContaining(`files of model ${modelId}`),
    });
    db.close();
  });

  it('refuses a model whose I/O or training keys do not fit their schema', () => {
    const { db, modelId } = workspaceWithModel();
    db.prepare('UPDATE models SET io = ? WHERE id = ?').run('{"model": {"inputs": "x"}}', modelId);
    expect(corruptionOf(() => getStoredModel(db, modelId)).message).toContain(`io of model ${modelId}`);
    db.prepare(`UPDATE models SET io = '{}', trained_on = ? WHERE id = ?`).run('[1, 2]', modelId);
    expect(corruptionOf(() => getStoredModel(db, modelId)).message).toContain(`trained_on of model ${modelId}`);
    db.close();
  });

  it('reads a run configuration and timings as objects, and refuses a configuration without its attack', () => {
    const { db, modelId } = workspaceWithModel();
    const datasetId = Number(
      db
        .prepare(
          "INSERT INTO datasets (name, source_kind, source_path, root_path, status, created_at) VALUES ('d', 'manifest-csv', 'm.csv', '.', 'ready', ?)",
        )
        .run(new Date().toISOString()).lastInsertRowid,
    );
    const config = {
      attack: 'loss',
      params: { k: 1 },
      seed: 7,
      targetModelId: modelId,
      datasetId,
      referenceSetId: null,
      shadowSetId: null,
      nullModelId: null,
    };
    const runId = createRun(db, {
      attack: 'loss',
      family: 'classifier',
      targetModelId: modelId,
      datasetId,
      config,
      engineVersion: 'e',
      modelHash: 'm',
      dataHash: 'd',
    });
    expect(getRunConfig(db, runId)).toEqual(config);
    expect(getRunProvenance(db, runId)).toEqual({
      status: 'running',
      engineVersion: 'e',
      modelHash: 'm',
      dataHash: 'd',
      timings: null,
      executionProvider: null,
    });
    db.prepare('UPDATE runs SET timings = ? WHERE id = ?').run('{"totalMs": 12.5}', runId);
    expect(getRunProvenance(db, runId).timings).toEqual({ totalMs: 12.5 });

    db.prepare('UPDATE runs SET config = ? WHERE id = ?').run('{"seed": 7}', runId);
    expect(corruptionOf(() => getRunConfig(db, runId))).toEqual({
      code: 'workspace.corrupt-column',
      message: expect.stringContaining(`config of run ${runId}`),
    });
    // The run view still opens, showing no configuration, as it did before the column had one schema.
    expect(runDetails(db, runId).config).toEqual({});
    db.close();
  });
});
