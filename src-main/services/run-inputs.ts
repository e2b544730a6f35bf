// What a run is computed on, read from the workspace: model specs (target, reference/shadow sets, null model),
// the dataset's records, and the hashes that pin a run to exactly these inputs. resolve-run-inputs.ts builds every
// run (start, re-run, resume) from these, so a resumed run is checked against the same recipe it was started with.
import { createHash } from 'node:crypto';
import { MiaError } from '../common/errors';
import type { RunRecord } from '../engine/attacks/run-record';
import type { ModelSpec } from '../engine/jobs/attack-task';
import { findStoredModel, listStoredModelsInSet, type StoredModel } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { eachRecordForAttack } from '../workspace/records-repo';

function modelSpec(model: StoredModel): ModelSpec {
  return {
    id: model.id,
    name: model.name,
    kind: model.kind,
    files: model.files,
    config: model.config,
    sha256: model.sha256,
    trainedOn: model.trainedOn,
    ...(model.remote ? { remote: model.remote } : {}),
  };
}

/** One model as the engine needs it; `missing` says what to tell the user when it is not in the workspace. */
export function readModelSpec(db: WorkspaceDb, modelId: number, missing: string): ModelSpec {
  const model = findStoredModel(db, modelId);
  if (!model) throw new MiaError('model.not-found', missing);
  return modelSpec(model);
}

/** The models of a reference or shadow set, in import order. */
export function readModelSetSpecs(db: WorkspaceDb, setId: number): ModelSpec[] {
  return listStoredModelsInSet(db, setId).map(modelSpec);
}

export function readRunRecords(db: WorkspaceDb, datasetId: number): RunRecord[] {
  return Array.from(eachRecordForAttack(db, datasetId), (r) => ({
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
  // Fed one record at a time (the same bytes hashOf would hash), so a million records need no million-string list.
  const hash = createHash('sha256');
  for (const r of records) hash.update(`${r.key}:${r.sha256}:${r.label ?? ''}:${r.member ?? ''}:${r.role}`).update('\n');
  return hash.digest('hex');
}
