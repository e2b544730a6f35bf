// The model calls of a whole run, per component: the attack on the target plus, when the null-model check runs, the
// same attack on the null model with that model's own structure. The estimate before Start (services) and the
// progress total in the engine host (attack-job.ts) both come from here, so they cannot drift apart.
import { addModelCalls, type ModelCallBreakdown, type TargetStructure } from '../../../src-shared/domain/model-calls';
import type { AttackModule, EstimateCounts } from './attack-module';

export function estimateRunModelCalls(
  attack: AttackModule,
  params: unknown,
  counts: Omit<EstimateCounts, 'target'>,
  target: TargetStructure,
  nullModel: TargetStructure | null,
): ModelCallBreakdown {
  const onTarget = attack.estimateModelCalls(params, { ...counts, target });
  return nullModel ? addModelCalls(onTarget, attack.estimateModelCalls(params, { ...counts, target: nullModel })) : onTarget;
}
