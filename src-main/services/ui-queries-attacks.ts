// The attack catalogue for the New run form (each attack's parameters as JSON Schema, so the form is generated
// from the same zod schema the engine parses) and the model-call estimate shown before a run starts.
import { z } from 'zod';
import type { AttackDescription, ParsedRequestOf, RunEstimate } from '../../src-shared/contract/contract';
import { parseWith } from '../common/parse';
import { attackModules, findAttack } from '../engine/attacks/registry';
import { getDataset } from '../workspace/datasets-repo';
import { listStoredModelsInSet } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';

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
    },
    // The input side: what the form may send (fields with defaults are optional there).
    paramsSchema: z.toJSONSchema(module.params, { io: 'input' }) as Record<string, unknown>,
  }));
}

/**
 * The same estimate the engine host uses for its progress total: the attack's own formula over the audited and
 * calibration records, doubled when a null model repeats the attack. Invalid parameters are refused here with the
 * message the run would give, so the form can show it before Start.
 */
export function estimateRun(db: WorkspaceDb, request: ParsedRequestOf<'runs.estimate'>): RunEstimate {
  const attack = findAttack(request.attack);
  const params = parseWith(attack.params, request.params, `Parameters of ${attack.id}`, 'run.invalid-params');
  const dataset = getDataset(db, request.datasetId);
  const scoredRecords = (dataset.roleCounts.audit ?? 0) + (dataset.roleCounts.calibration ?? 0);
  const references = request.referenceSetId === undefined ? 0 : listStoredModelsInSet(db, request.referenceSetId).length;
  const shadows = request.shadowSetId === undefined ? 0 : listStoredModelsInSet(db, request.shadowSetId).length;
  const once = attack.estimateModelCalls(params, { audited: scoredRecords, references, shadows });
  const includesNullModel = request.nullModelId !== undefined;
  return { modelCalls: Math.round(once * (includesNullModel ? 2 : 1)), scoredRecords, references, shadows, includesNullModel };
}
