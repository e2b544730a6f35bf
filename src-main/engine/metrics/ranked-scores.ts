// Groups scores into distinct values (highest first) with member / non-member counts per value: the one
// sort every ROC, AUC and bootstrap computation starts from. Tied scores form one group = one ROC step.
import { countClasses, requireBothClasses } from './score-inputs';

export interface RankedScores {
  /** Distinct score values, descending. */
  readonly groupScores: Float64Array;
  /** Members per distinct value. */
  readonly groupMembers: Float64Array;
  /** Non-members per distinct value. */
  readonly groupNonMembers: Float64Array;
  /** For each input record, the index of its group in `groupScores`. */
  readonly groupOfRecord: Uint32Array;
  /** Group of each member, members in input order (what a bootstrap resamples). */
  readonly memberGroups: Uint32Array;
  /** Group of each non-member, non-members in input order. */
  readonly nonMemberGroups: Uint32Array;
  readonly members: number;
  readonly nonMembers: number;
}

export function rankScores(scores: Float64Array, labels: Uint8Array, what = 'the scores'): RankedScores {
  const counts = countClasses(scores, labels, what);
  requireBothClasses(counts, what);
  // The native numeric sort of a typed array is far faster than sorting indices with a comparator;
  // records find their group afterwards by binary search.
  const ascending = Float64Array.from(scores).sort();
  let distinct = 0;
  for (let i = 0; i < ascending.length; i++) {
    if (i === 0 || ascending[i] !== ascending[i - 1]) distinct++; // -0 and +0 compare equal: one group
  }
  const groupScores = new Float64Array(distinct);
  let write = 0;
  for (let i = ascending.length - 1; i >= 0; i--) {
    if (i === ascending.length - 1 || ascending[i] !== ascending[i + 1]) groupScores[write++] = ascending[i]!;
  }
  const groupMembers = new Float64Array(distinct);
  const groupNonMembers = new Float64Array(distinct);
  const groupOfRecord = new Uint32Array(scores.length);
  const memberGroups = new Uint32Array(counts.members);
  const nonMemberGroups = new Uint32Array(counts.nonMembers);
  for (let i = 0, member = 0, nonMember = 0; i < scores.length; i++) {
    const group = findGroup(groupScores, scores[i]!);
    groupOfRecord[i] = group;
    if (labels[i] === 1) {
      groupMembers[group] += 1;
      memberGroups[member++] = group;
    } else {
      groupNonMembers[group] += 1;
      nonMemberGroups[nonMember++] = group;
    }
  }
  return {
    groupScores,
    groupMembers,
    groupNonMembers,
    groupOfRecord,
    memberGroups,
    nonMemberGroups,
    members: counts.members,
    nonMembers: counts.nonMembers,
  };
}

/** Index of `score` in the descending array of distinct values (it is always present). */
function findGroup(descending: Float64Array, score: number): number {
  let low = 0;
  let high = descending.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (descending[middle]! > score) low = middle + 1;
    else high = middle;
  }
  return low;
}
