// AUC with its stratified bootstrap interval in one call, for the validity checks (null model, blind
// baseline) that need only that figure.
import type { SeededRandom } from '../random/seeded-random';
import { bootstrapIntervals, DEFAULT_BOOTSTRAP_RESAMPLES, DEFAULT_CONFIDENCE } from './bootstrap';
import { rankScores } from './ranked-scores';
import { aucFromRanked } from './roc';

export interface AucWithInterval {
  readonly auc: number;
  /** null when the caller asked for no resamples. */
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly members: number;
  readonly nonMembers: number;
}

export function aucWithInterval(
  scores: Float64Array,
  labels: Uint8Array,
  random: SeededRandom,
  options: { resamples?: number; confidence?: number; what?: string } = {},
): AucWithInterval {
  const ranked = rankScores(scores, labels, options.what);
  const value = aucFromRanked(ranked);
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  if (resamples === 0) return { auc: value, ciLow: null, ciHigh: null, members: ranked.members, nonMembers: ranked.nonMembers };
  const intervals = bootstrapIntervals(ranked, { random, resamples, confidence: options.confidence ?? DEFAULT_CONFIDENCE });
  return { auc: value, ciLow: intervals.auc.low, ciHigh: intervals.auc.high, members: ranked.members, nonMembers: ranked.nonMembers };
}
