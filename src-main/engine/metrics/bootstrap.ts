// Stratified bootstrap percentile intervals for AUC, TPR@FPR, balanced accuracy and advantage. Members and
// non-members are resampled separately (so every resample keeps the class sizes), scores are sorted once,
// and each resample only counts how often each distinct score was drawn: O(n) per resample, no re-sorting.
import { MiaError } from '../../common/errors';
import { indexBelow, indexLimit, type SeededRandom } from '../random/seeded-random';
import { percentileInterval, type Interval } from './percentile';
import type { RankedScores } from './ranked-scores';
import { falsePositivesAllowed, fprBoundReachable } from './threshold-metrics';

export const DEFAULT_BOOTSTRAP_RESAMPLES = 1000;
export const DEFAULT_CONFIDENCE = 0.95;

export interface BootstrapOptions {
  readonly random: SeededRandom;
  readonly resamples?: number;
  /** Share of the bootstrap distribution inside the interval (0.95 → 2.5th to 97.5th percentile). */
  readonly confidence?: number;
  readonly fprBounds?: readonly number[];
}

export interface BootstrapIntervals {
  readonly resamples: number;
  readonly confidence: number;
  readonly auc: Interval;
  readonly balancedAccuracy: Interval;
  readonly advantage: Interval;
  /** One entry per FPR bound, in the order given; null where the bound is unreachable (too few non-members). */
  readonly tprAtFpr: readonly { readonly alpha: number; readonly interval: Interval | null }[];
}

export function bootstrapIntervals(ranked: RankedScores, options: BootstrapOptions): BootstrapIntervals {
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const fprBounds = options.fprBounds ?? [];
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw new MiaError(
      'metrics.invalid-bootstrap',
      `The bootstrap needs a whole number of at least 2 resamples; got ${String(resamples)}.`,
      { resamples },
    );
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new MiaError(
      'metrics.invalid-bootstrap',
      `The interval's confidence must lie strictly between 0 and 1; got ${String(confidence)}.`,
      { confidence },
    );
  }
  const { members, nonMembers } = ranked;
  const groups = ranked.groupScores.length;
  const { memberGroups, nonMemberGroups } = ranked;
  const reachable = fprBounds.map((alpha) => fprBoundReachable(nonMembers, alpha));
  const allowed = Float64Array.from(fprBounds, (alpha) => falsePositivesAllowed(nonMembers, alpha));

  const drawnMembers = new Int32Array(groups);
  const drawnNonMembers = new Int32Array(groups);
  const aucSample = new Float64Array(resamples);
  const balancedSample = new Float64Array(resamples);
  const advantageSample = new Float64Array(resamples);
  const tprSamples = fprBounds.map(() => new Float64Array(resamples));
  const bestTruePositives = new Float64Array(fprBounds.length);
  const random = options.random;
  const memberLimit = indexLimit(members);
  const nonMemberLimit = indexLimit(nonMembers);

  for (let r = 0; r < resamples; r++) {
    drawnMembers.fill(0);
    drawnNonMembers.fill(0);
    for (let i = 0; i < members; i++) drawnMembers[memberGroups[indexBelow(random, members, memberLimit)]!]! += 1;
    for (let i = 0; i < nonMembers; i++) drawnNonMembers[nonMemberGroups[indexBelow(random, nonMembers, nonMemberLimit)]!]! += 1;
    bestTruePositives.fill(0);
    let truePositives = 0;
    let falsePositives = 0;
    let twiceWinningPairs = 0;
    let bestScaledGap = 0; // max over thresholds of (TPR − FPR)·P·N; the (0, 0) point gives 0
    for (let group = 0; group < groups; group++) {
      const inGroup = drawnMembers[group]!;
      const outGroup = drawnNonMembers[group]!;
      if (inGroup === 0 && outGroup === 0) continue;
      twiceWinningPairs += outGroup * (2 * truePositives + inGroup);
      truePositives += inGroup;
      falsePositives += outGroup;
      const scaledGap = truePositives * nonMembers - falsePositives * members; // (TPR − FPR)·P·N
      if (scaledGap > bestScaledGap) bestScaledGap = scaledGap;
      for (let b = 0; b < allowed.length; b++) {
        if (falsePositives <= allowed[b]!) bestTruePositives[b] = truePositives;
      }
    }
    aucSample[r] = twiceWinningPairs / (2 * members * nonMembers);
    const bestGap = bestScaledGap / (members * nonMembers);
    advantageSample[r] = bestGap;
    balancedSample[r] = 0.5 * (1 + bestGap); // ½(TPR + 1 − FPR) is maximised where TPR − FPR is
    for (let b = 0; b < allowed.length; b++) tprSamples[b]![r] = bestTruePositives[b]! / members;
  }

  return {
    resamples,
    confidence,
    auc: percentileInterval(aucSample, confidence),
    balancedAccuracy: percentileInterval(balancedSample, confidence),
    advantage: percentileInterval(advantageSample, confidence),
    tprAtFpr: fprBounds.map((alpha, b) => ({ alpha, interval: reachable[b] ? percentileInterval(tprSamples[b]!, confidence) : null })),
  };
}
