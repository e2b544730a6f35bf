// Null-model check: the same attack against a model known not to have seen the members should be at chance.
// If it is not, the attack separates the two sets by something other than memorisation.
import { describeAuc, estimateDetails, formatAuc, type AucEstimate, type ValidityCheck } from './validity-check';

/** How far from 0.5 a null-model AUC may lie and still count as chance when its interval excludes 0.5. */
export const NULL_MODEL_TOLERANCE = 0.05;

export interface NullModelCheckInput {
  /** The attack's AUC on the null model, or null when no null model was available. */
  readonly nullModel: AucEstimate | null;
  /** The attack's AUC on the target, reported beside the null model's. */
  readonly targetAuc?: number | null;
  readonly nullModelName?: string;
  readonly tolerance?: number;
}

/**
 * ok when the null model's interval contains 0.5 or its AUC lies within ±tolerance of 0.5 (on a large
 * sample the interval is narrow enough to exclude 0.5 over a difference too small to matter); warn otherwise,
 * in either direction.
 */
export function checkNullModel(input: NullModelCheckInput): ValidityCheck {
  const tolerance = input.tolerance ?? NULL_MODEL_TOLERANCE;
  const estimate = input.nullModel;
  const besideTarget =
    input.targetAuc === undefined || input.targetAuc === null
      ? ''
      : ` On the target model the attack's AUC is ${formatAuc(input.targetAuc)}.`;
  if (estimate === null || estimate.auc === null) {
    return {
      kind: 'null-model',
      status: 'not-applicable',
      value: null,
      message: 'No null model (a model known not to have seen the members) was available, so the attack could not be checked against one.',
      details: { tolerance, targetAuc: input.targetAuc ?? null },
    };
  }
  const details = {
    ...estimateDetails(estimate),
    tolerance,
    targetAuc: input.targetAuc ?? null,
    nullModelName: input.nullModelName ?? null,
  };
  const model = input.nullModelName ? `the null model "${input.nullModelName}"` : 'the null model';
  const intervalHoldsChance = estimate.ciLow !== null && estimate.ciHigh !== null && estimate.ciLow <= 0.5 && 0.5 <= estimate.ciHigh;
  const nearChance = Math.abs(estimate.auc - 0.5) <= tolerance;
  if (intervalHoldsChance || nearChance) {
    return {
      kind: 'null-model',
      status: 'ok',
      value: estimate.auc,
      message: `On ${model}, which never saw the members, the attack is at chance (${describeAuc(estimate)}), as expected if it measures memorisation.${besideTarget}`,
      details,
    };
  }
  const direction = estimate.auc > 0.5 ? 'still separates members from non-members' : 'ranks non-members above members';
  return {
    kind: 'null-model',
    status: 'warn',
    value: estimate.auc,
    message:
      `On ${model}, which never saw the members, the attack ${direction} (${describeAuc(estimate)}). ` +
      `The attack may be measuring something other than memorisation, such as a difference between the member and non-member records themselves.${besideTarget}`,
    details,
  };
}
