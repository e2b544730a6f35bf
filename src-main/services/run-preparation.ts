// Resolves a run request against the workspace: the target, the records, any reference/shadow/null models,
// and the hashes that pin the run to exactly these inputs. Writes the run row and returns the engine task.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { RunStartRequest } from '../../src-preload/contract';
import { engineVersion } from '../common/engine-version';
import { MiaError } from '../common/errors';
import type { AttackModule } from '../engine/attacks/attack-module';
import type { RunRecord } from '../engine/attacks/run-record';
import type { AttackTask, ModelSpec } from '../engine/jobs/attack-task';
import { getDataset } from '../workspace/datasets-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { listRecordsForAttack } from '../workspace/records-repo';
import { createRun } from '../workspace/runs-repo';
import { verifyModelFiles } from './model-files';

type ParsedStart = z.output<typeof RunStartRequest>;

interface ModelRow {
  id: number;
  name: string;
  kind: ModelSpec['kind'];
  role: string;
  files: string;
  config: string;
  sha256: string;
  trained_on: string | null;
  model_set_id: number | null;
}

export async function prepareAttackRun(
  db: WorkspaceDb,
  attack: AttackModule,
  request: Omit<ParsedStart, 'params'> & { params: unknown },
  options: { rerunOf?: number } = {},
): Promise<{ runId: number; task: AttackTask }> {
  const target = modelSpec(readModel(db, request.targetModelId, 'target model'));
  if (target.kind !== attack.family) {
    throw new MiaError('run.wrong-family', `The ${attack.title} attack needs a ${attack.family} model, but "${target.name}" is a ${target.kind} model.`);
  }
  const dataset = getDataset(db, request.datasetId);
  const records = readRunRecords(db, request.datasetId);
  if (!records.some((r) => r.role === 'audit')) {
    throw new MiaError('run.no-audit-records', `Dataset "${dataset.name}" has no records with role "audit"; there is nothing to attack.`);
  }
  for (const role of attack.needs.roles ?? []) {
    if (!records.some((r) => r.role === role)) {
      throw new MiaError('run.missing-role', `The ${attack.title} attack needs records with role "${role}", and dataset "${dataset.name}" has none.`);
    }
  }
  const references = modelSet(db, request.referenceSetId, 'reference', attack.needs.referenceModels, attack.title);
  const shadows = modelSet(db, request.shadowSetId, 'shadow', attack.needs.shadowModels, attack.title);
  const nullModel = request.nullModelId ? modelSpec(readModel(db, request.nullModelId, 'null model')) : null;
  // A model file that changed since import is never silently used.
  for (const model of [target, ...references, ...shadows, ...(nullModel ? [nullModel] : [])]) {
    await verifyModelFiles(model.name, model.files, model.sha256);
  }

  const config = {
    attack: attack.id,
    params: request.params,
    seed: request.seed,
    targetModelId: target.id,
    datasetId: request.datasetId,
    referenceSetId: request.referenceSetId ?? null,
    shadowSetId: request.shadowSetId ?? null,
    nullModelId: request.nullModelId ?? null,
  };
  const runId = createRun(db, {
    attack: attack.id,
    family: attack.family,
    targetModelId: target.id,
    datasetId: request.datasetId,
    config,
    engineVersion,
    modelHash: hashOf([target, ...references, ...shadows, ...(nullModel ? [nullModel] : [])].map((m) => `${m.id}:${m.sha256}`)),
    dataHash: hashOf(records.map((r) => `${r.key}:${r.sha256}:${r.label ?? ''}:${r.member ?? ''}:${r.role}`)),
    rerunOf: options.rerunOf ?? null,
  });
  return {
    runId,
    task: { kind: 'attack', runId, attack: attack.id, params: request.params, seed: request.seed, target, records, references, shadows, nullModel, alreadyScored: [] },
  };
}

function readModel(db: WorkspaceDb, modelId: number, what: string): ModelRow {
  const row = db.prepare('SELECT id, name, kind, role, files, config, sha256, trained_on, model_set_id FROM models WHERE id = ?').get(modelId) as ModelRow | undefined;
  if (!row) throw new MiaError('model.not-found', `The ${what} (id ${modelId}) is not in this workspace.`);
  return row;
}

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

function modelSet(db: WorkspaceDb, setId: number | undefined, purpose: 'reference' | 'shadow', need: 'required' | 'optional' | undefined, title: string): ModelSpec[] {
  if (setId === undefined) {
    if (need === 'required') throw new MiaError(`run.missing-${purpose}-models`, `The ${title} attack needs a set of ${purpose} models; import one and choose it for the run.`);
    return [];
  }
  const set = db.prepare('SELECT purpose FROM model_sets WHERE id = ?').get(setId) as { purpose: string } | undefined;
  if (!set) throw new MiaError('model-set.not-found', `There is no model set with id ${setId} in this workspace.`);
  if (set.purpose !== purpose) throw new MiaError('model-set.wrong-purpose', `Model set ${setId} holds ${set.purpose} models, but a ${purpose} set was expected.`);
  const rows = db.prepare('SELECT id, name, kind, role, files, config, sha256, trained_on, model_set_id FROM models WHERE model_set_id = ? ORDER BY id').all(setId) as ModelRow[];
  return rows.map(modelSpec);
}

function readRunRecords(db: WorkspaceDb, datasetId: number): RunRecord[] {
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

function hashOf(parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\n');
  return hash.digest('hex');
}
