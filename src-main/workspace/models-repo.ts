// Model rows: listing. Import (writes) lives in the model import service.
import type { ModelSummary } from '../../src-shared/domain/models';
import { ModelKind } from '../../src-shared/domain/models';
import { MiaError } from '../common/errors';
import type { WorkspaceDb } from './open-workspace';

interface ModelRow {
  id: number;
  name: string;
  kind: string;
  role: 'target' | 'shadow' | 'reference' | 'null';
  sha256: string;
  created_at: string;
}

const columns = 'id, name, kind, role, sha256, created_at';

export function listModels(db: WorkspaceDb): ModelSummary[] {
  return (db.prepare(`SELECT ${columns} FROM models ORDER BY id`).all() as ModelRow[]).map(toSummary);
}

export function getModel(db: WorkspaceDb, modelId: number): ModelSummary {
  const row = db.prepare(`SELECT ${columns} FROM models WHERE id = ?`).get(modelId) as ModelRow | undefined;
  if (!row) throw new MiaError('model.not-found', `There is no model with id ${modelId} in this workspace.`);
  return toSummary(row);
}

function toSummary(row: ModelRow): ModelSummary {
  return { id: row.id, name: row.name, kind: ModelKind.parse(row.kind), role: row.role, sha256: row.sha256, createdAt: row.created_at };
}

/** The stored columns a run needs to reopen a model (JSON text columns are parsed by the model services). */
export interface StoredModelRow {
  id: number;
  name: string;
  kind: string;
  role: 'target' | 'shadow' | 'reference' | 'null';
  model_set_id: number | null;
  files: string;
  sha256: string;
  config: string;
  io: string;
  trained_on: string | null;
}

const storedColumns = 'id, name, kind, role, model_set_id, files, sha256, config, io, trained_on';

export function getStoredModel(db: WorkspaceDb, modelId: number): StoredModelRow {
  const row = db.prepare(`SELECT ${storedColumns} FROM models WHERE id = ?`).get(modelId) as StoredModelRow | undefined;
  if (!row) throw new MiaError('model.not-found', `There is no model with id ${modelId} in this workspace.`);
  return row;
}

export function listStoredModelsInSet(db: WorkspaceDb, modelSetId: number): StoredModelRow[] {
  return db.prepare(`SELECT ${storedColumns} FROM models WHERE model_set_id = ? ORDER BY id`).all(modelSetId) as StoredModelRow[];
}

export interface ModelSetRow {
  id: number;
  name: string;
  purpose: 'shadow' | 'reference';
  manifest_path: string;
  created_at: string;
}

export function listModelSets(db: WorkspaceDb): ModelSetRow[] {
  return db.prepare('SELECT id, name, purpose, manifest_path, created_at FROM model_sets ORDER BY id').all() as ModelSetRow[];
}
