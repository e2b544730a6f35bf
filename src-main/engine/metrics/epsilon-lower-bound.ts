// The empirical ε lower bound of one run: what the attack's errors prove, with 95 % confidence, about the privacy
// loss ε at a given δ. A mechanism that is (ε, δ)-DP forces every membership test to satisfy
//   FPR + e^ε·FNR ≥ 1 − δ   and   FNR + e^ε·FPR ≥ 1 − δ,
// so ε ≥ ln((1 − δ − FPR)/FNR) and ε ≥ ln((1 − δ − FNR)/FPR) for the true rates at any threshold. The true rates are
// replaced by one-sided Clopper–Pearson upper bounds FPR⁺ and FNR⁺ (each at 1 − α/2, so both hold together with
// probability 1 − α), which keeps the bound valid however few the records are.
import { DEFAULT_EPSILON_DELTA, type EpsilonMethod } from '../../../src-shared/domain/privacy-bound';
import { clopperPearsonUpper } from './clopper-pearson';
import { rankScores, type RankedScores } from './ranked-scores';
import { countClasses } from './score-inputs';

export { DEFAULT_EPSILON_DELTA };
export const DEFAULT_EPSILON_CONFIDENCE = 0.95;

export interface EpsilonLowerBoundInput {
  /** Audited scores, higher = member, and their membership labels (1 = member). */
  readonly scores: Float64Array;
  readonly labels: Uint8Array;
  /** Calibration records scored by the same attack: when they hold both classes the threshold is chosen on them. */
  readonly calibration?: { readonly scores: Float64Array; readonly labels: Uint8Array } | null;
  readonly delta?: number;
  readonly confidence?: number;
}

export interface EpsilonLowerBound {
  /** ε ≥ value with the stated confidence; 0 means the run gives no evidence of privacy loss. */
  readonly value: number;
  readonly delta: number;
  readonly confidence: number;
  readonly method: EpsilonMethod;
  /** Audited records the attack guessed on, members and non-members. */
  readonly guesses: number;
  /** Thresholds the bound was maximised over on the audited records (1 after a calibration split). */
  readonly thresholdsTried: number;
  /** Why the method was used, for the run's note. */
  readonly note: string;
}

export function epsilonLowerBound(input: EpsilonLowerBoundInput): EpsilonLowerBound {
  const delta = input.delta ?? DEFAULT_EPSILON_DELTA;
  const confidence = input.confidence ?? DEFAULT_EPSILON_CONFIDENCE;
  const audited = rankScores(input.scores, input.labels, 'the run scores');
  const guesses = audited.members + audited.nonMembers;
  const calibration = input.calibration ?? null;
  const calibrationCounts = calibration ? countClasses(calibration.scores, calibration.labels, 'the calibration scores') : null;
  if (calibration && calibrationCounts && calibrationCounts.members > 0 && calibrationCounts.nonMembers > 0) {
    // The threshold is chosen on records the bound is not evaluated on, so one threshold is tried on the audited
    // records and the rates need no correction for the search.
    const threshold = bestThreshold(rankScores(calibration.scores, calibration.labels, 'the calibration scores'), delta, confidence);
    const value = boundAtThreshold(audited, input.scores, input.labels, threshold, delta, rateConfidence(confidence, 1));
    return {
      value,
      delta,
      confidence,
      method: 'calibration-split',
      guesses,
      thresholdsTried: 1,
      note: `Threshold chosen on ${calibration.scores.length} calibration records, bound evaluated on ${guesses} audited records.`,
    };
  }
  // Every threshold of the audited ROC is tried, so each pair of rate bounds is made at 1 − α/(2T) (Bonferroni):
  // the maximum over T thresholds then still holds with probability 1 − α.
  const thresholdsTried = audited.groupScores.length + 1;
  const best = maximumOverThresholds(audited, delta, rateConfidence(confidence, thresholdsTried));
  const why = calibrationCounts
    ? `the calibration records hold ${calibrationCounts.members} members and ${calibrationCounts.nonMembers} non-members, too few to choose a threshold`
    : 'no calibration scores were given (no calibration records, or an attack with its own fixed threshold)';
  return {
    value: best.value,
    delta,
    confidence,
    method: 'bonferroni',
    guesses,
    thresholdsTried,
    note: `Maximum over all ${thresholdsTried} thresholds of the ${guesses} audited records, Bonferroni-corrected, because ${why}.`,
  };
}

/** Confidence of each one-sided rate bound when two bounds at each of `thresholds` thresholds must hold together. */
function rateConfidence(confidence: number, thresholds: number): number {
  return 1 - (1 - confidence) / (2 * thresholds);
}

/** The larger of the two ε inequalities for one pair of rate bounds; −∞ when neither says anything. */
export function epsilonFromRateBounds(fprUpper: number, fnrUpper: number, delta: number): number {
  let best = Number.NEGATIVE_INFINITY;
  if (1 - delta - fprUpper > 0) best = Math.max(best, Math.log((1 - delta - fprUpper) / fnrUpper));
  if (1 - delta - fnrUpper > 0) best = Math.max(best, Math.log((1 - delta - fnrUpper) / fprUpper));
  return best;
}

/**
 * Clopper–Pearson bounds memoised by error count: the ROC repeats counts from one threshold to the next, and there
 * are at most n + 1 distinct ones per class, so each beta quantile is computed once.
 */
function rateBounds(trials: number, confidence: number): (errors: number) => number {
  const cache = new Float64Array(trials + 1).fill(Number.NaN);
  return (errors) => {
    if (Number.isNaN(cache[errors]!)) cache[errors] = clopperPearsonUpper(errors, trials, confidence);
    return cache[errors]!;
  };
}

/** The best bound over every ROC point ("member" when score ≥ the group's score) and the score where it is reached. */
function maximumOverThresholds(ranked: RankedScores, delta: number, confidence: number): { value: number; threshold: number } {
  const fprUpper = rateBounds(ranked.nonMembers, confidence);
  const fnrUpper = rateBounds(ranked.members, confidence);
  let falsePositives = 0;
  let falseNegatives = ranked.members;
  let value = Math.max(0, epsilonFromRateBounds(fprUpper(0), fnrUpper(ranked.members), delta));
  let threshold = Number.POSITIVE_INFINITY;
  for (let group = 0; group < ranked.groupScores.length; group++) {
    falsePositives += ranked.groupNonMembers[group]!;
    falseNegatives -= ranked.groupMembers[group]!;
    const here = epsilonFromRateBounds(fprUpper(falsePositives), fnrUpper(falseNegatives), delta);
    if (here > value) {
      value = here;
      threshold = ranked.groupScores[group]!;
    }
  }
  return { value, threshold };
}

/** The calibration threshold: the one whose bound (uncorrected, at the run's confidence) is largest there. */
function bestThreshold(calibration: RankedScores, delta: number, confidence: number): number {
  return maximumOverThresholds(calibration, delta, rateConfidence(confidence, 1)).threshold;
}

function boundAtThreshold(
  audited: RankedScores,
  scores: Float64Array,
  labels: Uint8Array,
  threshold: number,
  delta: number,
  confidence: number,
): number {
  let falsePositives = 0;
  let falseNegatives = 0;
  for (let i = 0; i < scores.length; i++) {
    const calledMember = scores[i]! >= threshold;
    if (labels[i] === 1 && !calledMember) falseNegatives++;
    if (labels[i] === 0 && calledMember) falsePositives++;
  }
  const fprUpper = clopperPearsonUpper(falsePositives, audited.nonMembers, confidence);
  const fnrUpper = clopperPearsonUpper(falseNegatives, audited.members, confidence);
  return Math.max(0, epsilonFromRateBounds(fprUpper, fnrUpper, delta));
}
