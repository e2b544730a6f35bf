// Model writes for the model import service: model rows (files, hashes, config, I/O) and reference/shadow sets.
import type { RemoteModelDescriptor } from '../../src-shared/domain/remote-models';
import { toJsonColumn } from '../common/json-column';
import type { ModelIo, StoredModelFiles } from './models-repo';
import type { WorkspaceDb } from './open-workspace';

export type ModelRole = 'target' | 'shadow' | 'reference' | 'null';

export interface NewModel {
  readonly name: string;
  readonly kind: 'classifier' | 'clip' | 'diffusion';
  readonly role: ModelRole;
  readonly modelSetId: number | null;
  /** Per role: absolute path and SHA-256 of each file; an ONNX file's external data files as "<role>:<location>". */
  readonly files: StoredModelFiles;
  readonly sha256: string;
  readonly config: unknown;
  readonly io: ModelIo;
  readonly trainedOn: readonly string[] | null;
  /** A model served over the network: its endpoint and components (never a key); absent for ONNX files. */
  readonly remote?: RemoteModelDescriptor | null;
}

export function insertModel(db: WorkspaceDb, model: NewModel): number {
  const result = db
    .prepare(
      'INSERT INTO models (name, kind, role, model_set_id, files, sha256, config, io, trained_on, remote, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      model.name,
      model.kind,
      model.role,
      model.modelSetId,
      toJsonColumn(model.files),
      model.sha256,
      toJsonColumn(model.config),
      toJsonColumn(model.io),
      model.trainedOn ? toJsonColumn(model.trainedOn) : null,
      model.remote ? toJsonColumn(model.remote) : null,
      new Date().toISOString(),
    );
  return Number(result.lastInsertRowid);
}

export interface NewModelSet {
  readonly name: string;
  readonly purpose: 'shadow' | 'reference';
  readonly manifestPath: string;
}

/** A set and all its models in one transaction: a set is imported whole or not at all. */
export function insertModelSet(
  db: WorkspaceDb,
  set: NewModelSet,
  models: readonly Omit<NewModel, 'modelSetId'>[],
): { setId: number; modelIds: number[] } {
  return db.transaction(() => {
    const result = db
      .prepare('INSERT INTO model_sets (name, purpose, manifest_path, created_at) VALUES (?, ?, ?, ?)')
      .run(set.name, set.purpose, set.manifestPath, new Date().toISOString());
    const setId = Number(result.lastInsertRowid);
    const modelIds = models.map((model) => insertModel(db, { ...model, modelSetId: setId }));
    return { setId, modelIds };
  })();
}
