// Blind-baseline check: how well members can be told from non-members *without the target model*, by a
// cross-validated logistic regression on the records' own features. A high blind AUC means the two sets
// differ in distribution and the attack's AUC overstates memorisation.
import type { SeededRandom } from '../../random/seeded-random';
import { aucWithInterval } from '../../metrics/auc-with-interval';
import { describeAuc, formatAuc, type ValidityCheck } from '../validity-check';
import { crossValidatedScores, DEFAULT_FOLDS } from './cross-validated-scores';
import type { FeatureMatrix } from './feature-matrix';
import { DEFAULT_L2 } from './logistic-regression';

/**
 * Warn when the blind AUC reaches 0.6, or when its interval lies wholly above 0.55. The first catches a shift
 * big enough to explain much of a typical attack's AUC even on a small, noisy sample; the second catches a
 * smaller but certain shift on a large sample. Below both, a blind classifier is close enough to chance.
 * A blind AUC under 0.5 is not a warning: out-of-fold scores on indistinguishable sets often dip below 0.5.
 */
export const BLIND_AUC_WARN = 0.6;
export const BLIND_CI_LOW_WARN = 0.55;

export interface BlindBaselineInput {
  readonly features: FeatureMatrix;
  readonly labels: Uint8Array;
  /** Forked here into `folds` and `bootstrap`. */
  readonly random: SeededRandom;
  /** What the features are, in words for the message, e.g. "downsampled pixels and colour statistics". */
  readonly featureDescription: string;
  /** The attack's AUC on the target, compared in the message. */
  readonly attackAuc?: number | null;
  readonly folds?: number;
  readonly l2?: number;
  readonly bootstrapResamples?: number;
}

export function checkBlindBaseline(input: BlindBaselineInput): ValidityCheck {
  let members = 0;
  for (const label of input.labels) members += label;
  const nonMembers = input.labels.length - members;
  if (members < 2 || nonMembers < 2) {
    return {
      kind: 'blind-baseline',
      status: 'not-applicable',
      value: null,
      message: `The blind baseline needs at least 2 members and 2 non-members with known membership; got ${members} and ${nonMembers}.`,
      details: { members, nonMembers },
    };
  }
  const l2 = input.l2 ?? DEFAULT_L2;
  const crossValidated = crossValidatedScores(input.features, input.labels, input.random, { folds: input.folds ?? DEFAULT_FOLDS, l2 });
  const estimate = aucWithInterval(crossValidated.scores, input.labels, input.random.fork('bootstrap'), {
    resamples: input.bootstrapResamples,
    what: 'the blind-baseline scores',
  });
  const method = `logistic regression on ${input.featureDescription}, ${crossValidated.folds}-fold cross-validation`;
  const details = {
    auc: estimate.auc,
    ciLow: estimate.ciLow,
    ciHigh: estimate.ciHigh,
    confidence: 0.95,
    members,
    nonMembers,
    folds: crossValidated.folds,
    l2,
    featureCount: input.features.featureCount,
    featureDescription: input.featureDescription,
    warnAt: { auc: BLIND_AUC_WARN, ciLow: BLIND_CI_LOW_WARN },
    attackAuc: input.attackAuc ?? null,
    iterations: crossValidated.iterations,
  };
  const described = describeAuc({ auc: estimate.auc, ciLow: estimate.ciLow, ciHigh: estimate.ciHigh }, 'blind AUC');
  const shifted = estimate.auc >= BLIND_AUC_WARN || (estimate.ciLow !== null && estimate.ciLow > BLIND_CI_LOW_WARN);
  if (shifted) {
    const attack =
      input.attackAuc === undefined || input.attackAuc === null
        ? "the attack's AUC overstates memorisation"
        : `the attack's AUC (${formatAuc(input.attackAuc)}) overstates memorisation; only its margin over the blind AUC can be credited to the model`;
    return {
      kind: 'blind-baseline',
      status: 'warn',
      value: estimate.auc,
      message:
        `A classifier that never sees the model tells members from non-members by the records alone (${described}; ${method}). ` +
        `The member and non-member sets differ in distribution, so ${attack}. A distribution-matched split is needed for a fair audit.`,
      details,
    };
  }
  return {
    kind: 'blind-baseline',
    status: 'ok',
    value: estimate.auc,
    message:
      `A classifier that never sees the model cannot tell members from non-members by the records alone (${described}; ${method}). ` +
      'No difference in distribution between the two sets was found in these features.',
    details,
  };
}
