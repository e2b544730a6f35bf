// Resolves a run request against the workspace: the target, the records, any reference/shadow/null models,
// and the hashes that pin the run to exactly these inputs. Writes the run row and returns the engine task.
import type { z } from 'zod';
import type { RunStartRequest } from '../../src-preload/contract';
import { engineVersion } from '../common/engine-version';
import { MiaError } from '../common/errors';
import type { AttackModule } from '../engine/attacks/attack-module';
import type { AttackTask, ModelSpec } from '../engine/jobs/attack-task';
import { getDataset } from '../workspace/datasets-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { createRun } from '../workspace/runs-repo';
import { verifyModelFiles } from './model-files';
import { modelsHash, readModelSetSpecs, readModelSpec, readRunRecords, recordsHash } from './run-inputs';

type ParsedStart = z.output<typeof RunStartRequest>;


export async function prepareAttackRun(
  db: WorkspaceDb,
  attack: AttackModule,
  request: Omit<ParsedStart, 'params'> & { params: unknown },
  options: { rerunOf?: number } = {},
): Promise<{ runId: number; task: AttackTask }> {
  const target = readModelSpec(db, request.targetModelId, `The target model (id ${request.targetModelId}) is not in this workspace.`);
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
  const nullModel = request.nullModelId ? readModelSpec(db, request.nullModelId, `The null model (id ${request.nullModelId}) is not in this workspace.`) : null;
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
    modelHash: modelsHash([target, ...references, ...shadows, ...(nullModel ? [nullModel] : [])]),
    dataHash: recordsHash(records),
    rerunOf: options.rerunOf ?? null,
  });
  return {
    runId,
    task: { kind: 'attack', runId, attack: attack.id, params: request.params, seed: request.seed, target, records, references, shadows, nullModel },
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
  return readModelSetSpecs(db, setId);
}


