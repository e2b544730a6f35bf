// The ROC curve over every distinct threshold (ties as one step) and the AUC as the Mann–Whitney statistic
// with ties counted ½ — the same numbers as scikit-learn's roc_curve(drop_intermediate=False) and
// roc_auc_score.
import { rankScores, type RankedScores } from './ranked-scores';

export interface RocCurve {
  /** False-positive rate at each point; point 0 is (0, 0) at threshold +Infinity. */
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  /** Point i classifies "member" when score ≥ thresholds[i]. */
  readonly thresholds: Float64Array;
  readonly members: number;
  readonly nonMembers: number;
}

export function rocCurve(scores: Float64Array, labels: Uint8Array): RocCurve {
  return rocFromRanked(rankScores(scores, labels));
}

export function rocFromRanked(ranked: RankedScores): RocCurve {
  const points = ranked.groupScores.length + 1;
  const fpr = new Float64Array(points);
  const tpr = new Float64Array(points);
  const thresholds = new Float64Array(points);
  thresholds[0] = Number.POSITIVE_INFINITY;
  let truePositives = 0;
  let falsePositives = 0;
  for (let group = 0; group < ranked.groupScores.length; group++) {
    truePositives += ranked.groupMembers[group]!;
    falsePositives += ranked.groupNonMembers[group]!;
    tpr[group + 1] = truePositives / ranked.members;
    fpr[group + 1] = falsePositives / ranked.nonMembers;
    thresholds[group + 1] = ranked.groupScores[group]!;
  }
  return { fpr, tpr, thresholds, members: ranked.members, nonMembers: ranked.nonMembers };
}

/** Probability that a random member outscores a random non-member, ties counted ½. */
export function auc(scores: Float64Array, labels: Uint8Array): number {
  return aucFromRanked(rankScores(scores, labels));
}

export function aucFromRanked(ranked: RankedScores): number {
  return aucFromGroupCounts(ranked.groupMembers, ranked.groupNonMembers, ranked.members, ranked.nonMembers);
}

/**
 * Mann–Whitney over groups ordered from the highest score: every non-member in a group is beaten by all
 * members of earlier groups and ties with the members of its own. The pair count is summed in integers
 * (exact in doubles up to 2^53) and divided once, so the result does not drift with the number of groups.
 */
export function aucFromGroupCounts(groupMembers: Float64Array, groupNonMembers: Float64Array, members: number, nonMembers: number): number {
  let membersAbove = 0;
  let twiceWinningPairs = 0;
  for (let group = 0; group < groupMembers.length; group++) {
    const inGroup = groupMembers[group]!;
    twiceWinningPairs += groupNonMembers[group]! * (2 * membersAbove + inGroup);
    membersAbove += inGroup;
  }
  return twiceWinningPairs / (2 * members * nonMembers);
}
