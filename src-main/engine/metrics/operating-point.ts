// Precision and recall at one operating threshold. The threshold is fitted on calibration records (the
// one maximising balanced accuracy there) or fixed by the attack (0.5 for Shokri's attack models), and only
// then applied to the reported records, so the reported figures never fit their own data.
import { countClasses } from './score-inputs';
import { rankScores } from './ranked-scores';

export interface PrecisionRecall {
  /** A record counts as a predicted member when its score ≥ threshold. */
  readonly threshold: number;
  /** Share of predicted members that are members; null when nothing was predicted a member. */
  readonly precision: number | null;
  /** Share of members predicted members; null when there are no members. */
  readonly recall: number | null;
  readonly predictedMembers: number;
  readonly truePositives: number;
}

export function precisionRecallAtThreshold(scores: Float64Array, labels: Uint8Array, threshold: number): PrecisionRecall {
  const counts = countClasses(scores, labels);
  let predictedMembers = 0;
  let truePositives = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i]! >= threshold) {
      predictedMembers++;
      truePositives += labels[i]!;
    }
  }
  return {
    threshold,
    precision: predictedMembers === 0 ? null : truePositives / predictedMembers,
    recall: counts.members === 0 ? null : truePositives / counts.members,
    predictedMembers,
    truePositives,
  };
}

/**
 * The threshold that maximises ½(TPR + 1 − FPR) on calibration scores. Among equal maxima the highest
 * threshold wins (fewest records called members). The threshold sits halfway to the next lower calibration
 * score, so test scores that fall between two calibration scores are not decided by which one they equal.
 * Returns +Infinity when no threshold beats calling nobody a member.
 */
export function thresholdMaximisingBalancedAccuracy(scores: Float64Array, labels: Uint8Array): number {
  const ranked = rankScores(scores, labels, 'the calibration scores');
  let bestValue = 0.5;
  let bestGroup = -1;
  let truePositives = 0;
  let falsePositives = 0;
  for (let group = 0; group < ranked.groupScores.length; group++) {
    truePositives += ranked.groupMembers[group]!;
    falsePositives += ranked.groupNonMembers[group]!;
    const value = 0.5 * (truePositives / ranked.members + 1 - falsePositives / ranked.nonMembers);
    if (value > bestValue) {
      bestValue = value;
      bestGroup = group;
    }
  }
  if (bestGroup < 0) return Number.POSITIVE_INFINITY;
  const score = ranked.groupScores[bestGroup]!;
  if (bestGroup === ranked.groupScores.length - 1) return score;
  const lower = ranked.groupScores[bestGroup + 1]!;
  const middle = score / 2 + lower / 2; // halves first: the sum of two large scores could overflow
  // The midpoint of adjacent doubles, or of a finite and an infinite score, may not lie strictly between.
  return middle > lower && middle <= score && Number.isFinite(middle) ? middle : score;
}
