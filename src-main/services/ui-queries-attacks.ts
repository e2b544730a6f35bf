// The attack catalogue for the New run form (each attack's parameters as JSON Schema, so the form is generated
// from the same zod schema the engine parses) and the model-call estimate shown before a run starts.
import { z } from 'zod';
import type { AttackDescription, ParsedRequestOf, RunEstimate, SetInferenceDescription } from '../../src-shared/contract/contract';
import { totalModelCalls } from '../../src-shared/domain/model-calls';
import { parseWith } from '../common/parse';
import { attackModules } from '../engine/attacks/registry';
import { findRunAttack, scoredRolesOf } from '../engine/attacks/run-attack';
import { estimateRunModelCalls } from '../engine/attacks/run-model-calls';
import { setInferenceAttackId, setInferenceScoredRoles } from '../engine/attacks/set-inference/set-inference-attack';
import { SetInferenceParams } from '../engine/attacks/set-inference/set-inference-params';
import { targetStructureOf } from '../engine/models/target-structure';
import { getDataset } from '../workspace/datasets-repo';
import { getStoredModel, listStoredModelsInSet } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { estimateRemoteRequests } from './remote-estimate';

export function listAttacks(): AttackDescription[] {
  return attackModules.map((module) => ({
    id: module.id,
    family: module.family,
    title: module.title,
    description: module.description,
    needs: {
      ...(module.needs.shadowModels ? { shadowModels: module.needs.shadowModels } : {}),
      ...(module.needs.referenceModels ? { referenceModels: module.needs.referenceModels } : {}),
      ...(module.needs.roles ? { roles: [...module.needs.roles] } : {}),
      ...(module.needs.diffusionAccess ? { diffusionAccess: [...module.needs.diffusionAccess] } : {}),
      ...(module.needs.classifierAccess ? { classifierAccess: [...module.needs.classifierAccess] } : {}),
      ...(module.needs.python ? { python: module.needs.python } : {}),
    },
    // The input side: what the form may send (fields with defaults are optional there).
    paramsSchema: z.toJSONSchema(module.params, { io: 'input' }) as Record<string, unknown>,
  }));
}

/**
 * Set-level inference for New run: its own parameters as JSON Schema, generated from the schema the engine parses; the
 * base attack and its parameters are picked from the attack list beside them, so they are left out here.
 */
export function describeSetInference(): SetInferenceDescription {
  return {
    id: setInferenceAttackId,
    title: 'Set-level inference',
    description:
      'Tests whether a suspect collection, as a group, was in the training data: a base attack scores the records with role ' +
      '"suspect" and same-distribution non-members with role "nonmember-reference", and a one-sided Mann–Whitney test asks ' +
      'whether the suspects score higher. It reports a p-value, an effect size and a power curve over set sizes, not an AUC.',
    roles: [...setInferenceScoredRoles],
    paramsSchema: z.toJSONSchema(SetInferenceParams.omit({ base: true, baseParams: true }), { io: 'input' }) as Record<string, unknown>,
  };
}

/**
 * The same estimate the engine host uses for its progress total (estimateRunModelCalls): the attack's own formula
 * over the audited and calibration records and the target's structure (latent, conditioning) from its stored config,
 * per component, with the null model's repeat added. Invalid parameters are refused here with the message the run
 * would give, so the form can show it before Start.
 */
export function estimateRun(db: WorkspaceDb, request: ParsedRequestOf<'runs.estimate'>): RunEstimate {
  const attack = findRunAttack(request.attack, request.params);
  const params = parseWith(attack.params, request.params, `Parameters of ${attack.id}`, 'run.invalid-params');
  const dataset = getDataset(db, request.datasetId);
  const scoredRecords = scoredRolesOf(attack).reduce((sum, role) => sum + (dataset.roleCounts[role] ?? 0), 0);
  const references = request.referenceSetId === undefined ? 0 : listStoredModelsInSet(db, request.referenceSetId).length;
  const shadows = request.shadowSetId === undefined ? 0 : listStoredModelsInSet(db, request.shadowSetId).length;
  const includesNullModel = request.nullModelId !== undefined;
  const components = estimateRunModelCalls(
    attack,
    params,
    { audited: scoredRecords, references, shadows, roleCounts: dataset.roleCounts },
    targetStructureOf(getStoredModel(db, request.targetModelId)),
    request.nullModelId === undefined ? null : targetStructureOf(getStoredModel(db, request.nullModelId)),
  );
  // Remote models: the infer requests (one per batch) and their cost, beside the calls.
  const remote = estimateRemoteRequests(attack, params, { audited: scoredRecords, references, shadows, roleCounts: dataset.roleCounts }, [
    getStoredModel(db, request.targetModelId),
    ...(request.nullModelId === undefined ? [] : [getStoredModel(db, request.nullModelId)]),
  ]);
  return { modelCalls: totalModelCalls(components), components, scoredRecords, references, shadows, includesNullModel, ...remote };
}
