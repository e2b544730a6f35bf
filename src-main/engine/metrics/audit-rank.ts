// The workbench's one ranking rule for per-record scores, used by every place that shows a rank (the CSV export,
// the PDF's most exposed records, the drill-down in the app): a record's rank is 1 + the number of AUDITED records
// with a strictly higher score ("competition" ranking: tied scores share the best rank, the next rank skips). Only
// audited records are ranked, and only against each other; calibration records are scored too, but they are not
// part of the audit, so they get no rank and never push an audited record down.
import { MiaError } from '../../common/errors';

/** Marks a record that is not audited (a calibration record): it has no rank. */
export const notRanked = 0;

/**
 * The rank of each record; `audited[i]` is 1 for a record that is part of the audit, else 0 (it gets `notRanked`).
 * Scores are finite (the workspace refuses anything else); -0 and +0 tie.
 */
export function auditRanks(scores: Float64Array, audited: Uint8Array): Int32Array {
  if (scores.length !== audited.length) {
    throw new MiaError(
      'metrics.length-mismatch',
      `Ranking: ${scores.length} scores but ${audited.length} audited flags; each scored record needs exactly one of each.`,
      {
        scores: scores.length,
        audited: audited.length,
      },
    );
  }
  const auditedScores = Float64Array.from(scores.filter((_, i) => audited[i] === 1));
  // The native numeric sort of a typed array; each record then finds how many audited scores lie strictly above it.
  const ascending = auditedScores.sort();
  const ranks = new Int32Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    if (audited[i] === 1) ranks[i] = 1 + ascending.length - countAtMost(ascending, scores[i]!);
  }
  return ranks;
}

/** How many values of the ascending array are ≤ `score` (the index of the first value above it). */
function countAtMost(ascending: Float64Array, score: number): number {
  let low = 0;
  let high = ascending.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ascending[middle]! <= score) low = middle + 1;
    else high = middle;
  }
  return low;
}
