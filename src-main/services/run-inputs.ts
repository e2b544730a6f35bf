// What a run is computed on, read from the workspace: model specs (target, reference/shadow sets, null model),
// the dataset's records, and the hashes that pin a run to exactly these inputs. resolve-run-inputs.ts builds every
// run (start, re-run, resume) from these, so a resumed run is checked against the same recipe it was started with.
import { createHash } from 'node:crypto';
import { MiaError } from '../common/errors';
import type { RunRecord } from '../engine/attacks/run-record';
import type { ModelSpec } from '../engine/jobs/attack-task';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { listRecordsForAttack } from '../workspace/records-repo';

interface ModelRow {
  id: number;
  name: string;
  kind: ModelSpec['kind'];
  files: string;
  config: string;
  sha256: string;
  trained_on: string | null;
}

const modelColumns = 'id, name, kind, files, config, sha256, trained_on';

function modelSpec(row: ModelRow): ModelSpec {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    files: JSON.parse(row.files) as ModelSpec['files'],
    config: JSON.parse(row.config) as unknown,
    sha256: row.sha256,
    trainedOn: row.trained_on === null ? null : (JSON.parse(row.trained_on) as string[]),
  };
}

/** One model as the engine needs it; `missing` says what to tell the user when it is not in the workspace. */
export function readModelSpec(db: WorkspaceDb, modelId: number, missing: string): ModelSpec {
  const row = db.prepare(`SELECT ${modelColumns} FROM models WHERE id = ?`).get(modelId) as ModelRow | undefined;
  if (!row) throw new MiaError('model.not-found', missing);
  return modelSpec(row);
}

/** The models of a reference or shadow set, in import order. */
export function readModelSetSpecs(db: WorkspaceDb, setId: number): ModelSpec[] {
  return (db.prepare(`SELECT ${modelColumns} FROM models WHERE model_set_id = ? ORDER BY id`).all(setId) as ModelRow[]).map(modelSpec);
}

export function readRunRecords(db: WorkspaceDb, datasetId: number): RunRecord[] {
  return listRecordsForAttack(db, datasetId).map((r) => ({
    id: r.id,
    key: r.key,
    path: r.path,
    sourceIndex: r.sourceIndex,
    sha256: r.sha256,
    label: r.label,
    caption: r.caption,
    member: r.member,
    role: r.role,
    sourceKind: r.sourceKind,
  }));
}

function hashOf(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\n');
  return hash.digest('hex');
}

/** Pins the run to its models: ids and content hashes, in the order target, references, shadows, null model. */
export function modelsHash(models: readonly ModelSpec[]): string {
  return hashOf(models.map((m) => `${m.id}:${m.sha256}`));
}

/** Pins the run to its records: keys, content hashes and every field an attack or a metric reads. */
export function recordsHash(records: readonly RunRecord[]): string {
  return hashOf(records.map((r) => `${r.key}:${r.sha256}:${r.label ?? ''}:${r.member ?? ''}:${r.role}`));
}
