// Quantile-regression MIA (Bertran et al. 2023) as pure functions: the pinball loss the regressor is trained with,
// the score φ − q̂, the split-conformal shift that makes the threshold at zero hold its FPR on fresh non-members,
// and the check of the FPR measured at zero against α.
import { MiaError } from '../../../common/errors';
import { clopperPearsonUpper } from '../../metrics/clopper-pearson';

/** The mean pinball (quantile) loss at level τ: τ·r for r = score − prediction ≥ 0, (τ − 1)·r below. */
export function pinballLoss(scores: ArrayLike<number>, predictions: ArrayLike<number>, tau: number): number {
  if (scores.length !== predictions.length || scores.length === 0)
    throw new MiaError(
      'attack.bad-input',
      `The pinball loss needs as many predictions as scores, at least one; got ${scores.length} scores and ${predictions.length} predictions.`,
    );
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const residual = scores[i]! - predictions[i]!;
    sum += Math.max(tau * residual, (tau - 1) * residual);
  }
  return sum / scores.length;
}

/** QMIA's score, higher = member: how far the record's φ exceeds the quantile non-members reach on such an image. */
export function qmiaScores(phi: Float64Array, quantiles: Float64Array): Float64Array {
  return phi.map((value, i) => value - quantiles[i]!);
}

/**
 * The shift c added to every predicted quantile so that, on the held-out non-members, at most a fraction α of
 * φ − (q̂ + c) is above zero: the ⌈(n + 1)(1 − α)⌉-th smallest held-out residual (split-conformal quantile regression,
 * Romano et al. 2019). A fresh non-member from the same distribution then exceeds the threshold with probability at
 * most α whatever the regressor learnt; a regressor that over- or under-fits only changes c. With too few held-out
 * records for that rank, the largest residual is used (the run says so through `capped`).
 */
export function conformalShift(heldOutResiduals: ArrayLike<number>, alpha: number): { shift: number; capped: boolean } {
  const n = heldOutResiduals.length;
  if (n === 0) return { shift: 0, capped: true };
  const sorted = Float64Array.from(heldOutResiduals).sort();
  const rank = Math.ceil((n + 1) * (1 - alpha));
  return rank > n ? { shift: sorted[n - 1]!, capped: true } : { shift: sorted[rank - 1]!, capped: false };
}

export interface FprAtZeroCheck {
  readonly alpha: number;
  readonly nonMembers: number;
  /** Non-members scored above zero. */
  readonly falsePositives: number;
  readonly fpr: number;
  /** The two-sided 95 % Clopper–Pearson interval of the FPR measured on that many non-members. */
  readonly low: number;
  readonly high: number;
  /** α lies in the interval: the exact binomial test does not reject "the FPR at zero is α" at the 5 % level. */
  readonly consistent: boolean;
}

/** The FPR at threshold zero on the non-members among `scores` (member = 0), checked against α. */
export function checkFprAtZero(scores: ArrayLike<number>, members: ArrayLike<number>, alpha: number): FprAtZeroCheck | null {
  let nonMembers = 0;
  let falsePositives = 0;
  for (let i = 0; i < scores.length; i++) {
    if (members[i] !== 0) continue;
    nonMembers++;
    if (scores[i]! > 0) falsePositives++;
  }
  if (nonMembers === 0) return null;
  // Two-sided 95 %: 2.5 % on each side; the lower bound by symmetry (non-events' upper bound, mirrored).
  const high = clopperPearsonUpper(falsePositives, nonMembers, 0.975);
  const low = falsePositives === 0 ? 0 : 1 - clopperPearsonUpper(nonMembers - falsePositives, nonMembers, 0.975);
  return {
    alpha,
    nonMembers,
    falsePositives,
    fpr: falsePositives / nonMembers,
    low,
    high,
    consistent: alpha >= low && alpha <= high,
  };
}
