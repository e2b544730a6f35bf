// Membership metrics computed the slow, obvious way (every pair, every threshold), as expectations that do not come
// from the engine's ROC code: a test compares the engine's stored or computed figures with these.

/** Mann–Whitney AUC by comparing every member with every non-member, ties counting ½. */
export function bruteForceAuc(scores: ArrayLike<number>, members: ArrayLike<number>): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (members[i] !== 1) continue;
    for (let j = 0; j < scores.length; j++) {
      if (members[j] !== 0) continue;
      pairs++;
      if (scores[i]! > scores[j]!) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

/** True and false positives of the rule "member when score ≥ threshold". */
function flaggedAt(
  scores: ArrayLike<number>,
  members: ArrayLike<number>,
  threshold: number,
): { truePositives: number; falsePositives: number } {
  let truePositives = 0;
  let falsePositives = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i]! < threshold) continue;
    if (members[i] === 1) truePositives++;
    else falsePositives++;
  }
  return { truePositives, falsePositives };
}

function countMembers(members: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < members.length; i++) if (members[i] === 1) count++;
  return count;
}

/**
 * The largest TPR of the rule "member when score ≥ t" over every threshold t whose false positives stay within
 * ⌊alpha · non-members⌋; null when fewer than 1/alpha non-members make the bound meaningless (the README's "n/a").
 */
export function bruteForceTprAtFpr(scores: ArrayLike<number>, members: ArrayLike<number>, alpha: number): number | null {
  const memberCount = countMembers(members);
  const nonMemberCount = members.length - memberCount;
  if (nonMemberCount * alpha < 1 - 1e-9) return null;
  const allowed = Math.floor(nonMemberCount * alpha + 1e-9);
  let best = 0;
  for (let t = 0; t < scores.length; t++) {
    const { truePositives, falsePositives } = flaggedAt(scores, members, scores[t]!);
    if (falsePositives <= allowed) best = Math.max(best, truePositives / memberCount);
  }
  return best;
}

/** Membership advantage: the largest TPR − FPR over every threshold, and 0 for flagging nobody. */
export function bruteForceAdvantage(scores: ArrayLike<number>, members: ArrayLike<number>): number {
  const memberCount = countMembers(members);
  const nonMemberCount = members.length - memberCount;
  let best = 0;
  for (let t = 0; t < scores.length; t++) {
    const { truePositives, falsePositives } = flaggedAt(scores, members, scores[t]!);
    best = Math.max(best, truePositives / memberCount - falsePositives / nonMemberCount);
  }
  return best;
}

/** numpy.percentile's default (linear interpolation between order statistics) of an unsorted sample, q in [0, 1]. */
export function linearPercentile(sample: ArrayLike<number>, q: number): number {
  const sorted = Array.from(sample).sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}
