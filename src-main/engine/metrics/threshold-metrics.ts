// Metrics read off a ROC curve: TPR at a bounded FPR (no interpolation), balanced accuracy and advantage.
import type { RocCurve } from './roc';

/**
 * True when the FPR bound `alpha` can be met by at least one false positive, i.e. there are at least 1/alpha
 * non-members. Below that the only point under the bound is FPR = 0 and the figure would say nothing about
 * the bound that was asked for.
 */
export function fprBoundReachable(nonMembers: number, alpha: number): boolean {
  return nonMembers * alpha >= 1 - 1e-9;
}

/** Largest number of false positives allowed under the bound; robust to 0.001·1000 not being exactly 1. */
export function falsePositivesAllowed(nonMembers: number, alpha: number): number {
  return Math.floor(nonMembers * alpha + 1e-9);
}

/** The largest TPR among ROC points whose FPR does not exceed `alpha`; null ("n/a") when unreachable. */
export function tprAtFpr(roc: RocCurve, alpha: number): number | null {
  if (!fprBoundReachable(roc.nonMembers, alpha)) return null;
  const allowed = falsePositivesAllowed(roc.nonMembers, alpha);
  let best = 0;
  for (let i = 0; i < roc.fpr.length; i++) {
    // fpr was computed as count / nonMembers, so rounding back recovers the exact count.
    if (Math.round(roc.fpr[i]! * roc.nonMembers) <= allowed && roc.tpr[i]! > best) best = roc.tpr[i]!;
  }
  return best;
}

/** max over thresholds of ½(TPR + 1 − FPR); at least 0.5 (the "nobody is a member" point). */
export function balancedAccuracy(roc: RocCurve): number {
  let best = 0;
  for (let i = 0; i < roc.fpr.length; i++) best = Math.max(best, 0.5 * (roc.tpr[i]! + 1 - roc.fpr[i]!));
  return best;
}

/** Membership advantage max(TPR − FPR) (Yeom et al.); at least 0. */
export function advantage(roc: RocCurve): number {
  let best = 0;
  for (let i = 0; i < roc.fpr.length; i++) best = Math.max(best, roc.tpr[i]! - roc.fpr[i]!);
  return best;
}
