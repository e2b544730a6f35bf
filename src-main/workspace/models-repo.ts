// Model rows and model sets: listing, and each model's JSON columns parsed by their one schema each. Writes are in
// model-writes.ts.
import { z } from 'zod';
import type { ModelSummary } from '../../src-shared/domain/models';
import { ModelKind } from '../../src-shared/domain/models';
import { RemoteModelDescriptor } from '../../src-shared/domain/remote-models';
import { MiaError } from '../common/errors';
import { fromJsonColumn } from '../common/json-column';
import type { WorkspaceDb } from './open-workspace';

interface ModelRow {
  id: number;
  name: string;
  kind: string;
  role: 'target' | 'shadow' | 'reference' | 'null';
  sha256: string;
  created_at: string;
  null_for_model_id: number | null;
  remote_url: string | null;
  /** The classifier config's labelOnly (SQLite's json_extract reads a JSON true as 1). */
  label_only: number | null;
}

const columns =
  "id, name, kind, role, sha256, created_at, null_for_model_id, json_extract(remote, '$.endpoint.url') AS remote_url, json_extract(config, '$.labelOnly') AS label_only";

export function listModels(db: WorkspaceDb): ModelSummary[] {
  return (db.prepare(`SELECT ${columns} FROM models ORDER BY id`).all() as ModelRow[]).map(toSummary);
}

export function getModel(db: WorkspaceDb, modelId: number): ModelSummary {
  const row = db.prepare(`SELECT ${columns} FROM models WHERE id = ?`).get(modelId) as ModelRow | undefined;
  if (!row) throw new MiaError('model.not-found', `There is no model with id ${modelId} in this workspace.`);
  return toSummary(row);
}

function toSummary(row: ModelRow): ModelSummary {
  return {
    id: row.id,
    name: row.name,
    kind: ModelKind.parse(row.kind),
    role: row.role,
    sha256: row.sha256,
    createdAt: row.created_at,
    nullForModelId: row.null_for_model_id,
    remoteHost: row.remote_url === null ? null : new URL(row.remote_url).host,
    ...(row.label_only === 1 ? { labelOnly: true } : {}),
  };
}

/** The `files` column: per role, the absolute path and SHA-256 of each file (external data as "<role>:<location>"). */
export const StoredModelFiles = z.record(z.string(), z.object({ path: z.string(), sha256: z.string() }));
export type StoredModelFiles = z.infer<typeof StoredModelFiles>;

/** The `config` column: the family's configuration. The engine owns its shape and parses it where it is used. */
export const StoredModelConfig = z.record(z.string(), z.unknown());

const TensorInfo = z.object({
  name: z.string(),
  dtype: z.string(),
  shape: z.array(z.union([z.number(), z.string()])),
});

/** The `io` column: inputs and outputs of each ONNX file, keyed by the file's role ("model", "image", "text", "denoiser", …). */
export const ModelIo = z.record(z.string(), z.object({ inputs: z.array(TensorInfo), outputs: z.array(TensorInfo) }));
export type ModelIo = z.infer<typeof ModelIo>;

/** The `trained_on` column: keys of the records a shadow or reference model was trained on. */
const TrainedOn = z.array(z.string());

/** A model row with its JSON columns parsed: what runs, checks and the Models view read. */
export interface StoredModel {
  readonly id: number;
  readonly name: string;
  readonly kind: ModelKind;
  readonly role: ModelSummary['role'];
  readonly modelSetId: number | null;
  readonly files: StoredModelFiles;
  readonly sha256: string;
  readonly config: Record<string, unknown>;
  readonly io: ModelIo;
  readonly trainedOn: string[] | null;
  /** Where a model served over the network is reached (its `files` are then only its local ones); null for ONNX files. */
  readonly remote: RemoteModelDescriptor | null;
}

interface StoredModelRow {
  id: number;
  name: string;
  kind: string;
  role: ModelSummary['role'];
  model_set_id: number | null;
  files: string;
  sha256: string;
  config: string;
  io: string;
  trained_on: string | null;
  remote: string | null;
}

const storedColumns = 'id, name, kind, role, model_set_id, files, sha256, config, io, trained_on, remote';

/** The model, or null when the workspace has no model with this id (the caller says what was missing). */
export function findStoredModel(db: WorkspaceDb, modelId: number): StoredModel | null {
  const row = db.prepare(`SELECT ${storedColumns} FROM models WHERE id = ?`).get(modelId) as StoredModelRow | undefined;
  return row ? toStoredModel(row) : null;
}

export function getStoredModel(db: WorkspaceDb, modelId: number): StoredModel {
  const model = findStoredModel(db, modelId);
  if (!model) throw new MiaError('model.not-found', `There is no model with id ${modelId} in this workspace.`);
  return model;
}

export function listStoredModelsInSet(db: WorkspaceDb, modelSetId: number): StoredModel[] {
  return (db.prepare(`SELECT ${storedColumns} FROM models WHERE model_set_id = ? ORDER BY id`).all(modelSetId) as StoredModelRow[]).map(
    toStoredModel,
  );
}

/** Models imported on their own (in no set) with this role, newest first. */
export function listSingleModelsWithRole(db: WorkspaceDb, role: 'target' | 'null'): StoredModel[] {
  return (
    db.prepare(`SELECT ${storedColumns} FROM models WHERE role = ? AND model_set_id IS NULL ORDER BY id DESC`).all(role) as StoredModelRow[]
  ).map(toStoredModel);
}

function toStoredModel(row: StoredModelRow): StoredModel {
  return {
    id: row.id,
    name: row.name,
    kind: ModelKind.parse(row.kind),
    role: row.role,
    modelSetId: row.model_set_id,
    files: fromJsonColumn(StoredModelFiles, row.files, `files of model ${row.id}`),
    sha256: row.sha256,
    config: fromJsonColumn(StoredModelConfig, row.config, `config of model ${row.id}`),
    io: fromJsonColumn(ModelIo, row.io, `io of model ${row.id}`),
    trainedOn: fromJsonColumn(TrainedOn, row.trained_on, `trained_on of model ${row.id}`),
    remote: fromJsonColumn(RemoteModelDescriptor, row.remote, `remote of model ${row.id}`),
  };
}

export interface ModelSetRow {
  id: number;
  name: string;
  purpose: 'shadow' | 'reference';
  manifest_path: string;
  created_at: string;
}

const setColumns = 'id, name, purpose, manifest_path, created_at';

export function listModelSets(db: WorkspaceDb): ModelSetRow[] {
  return db.prepare(`SELECT ${setColumns} FROM model_sets ORDER BY id`).all() as ModelSetRow[];
}

export function findModelSet(db: WorkspaceDb, modelSetId: number): ModelSetRow | null {
  return (db.prepare(`SELECT ${setColumns} FROM model_sets WHERE id = ?`).get(modelSetId) as ModelSetRow | undefined) ?? null;
}

/** The newest set imported from this manifest for this purpose, if any. */
export function findModelSetByManifest(db: WorkspaceDb, manifestPath: string, purpose: ModelSetRow['purpose']): number | null {
  const row = db
    .prepare('SELECT id FROM model_sets WHERE manifest_path = ? AND purpose = ? ORDER BY id DESC')
    .get(manifestPath, purpose) as { id: number } | undefined;
  return row?.id ?? null;
}
