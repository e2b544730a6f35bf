// The one-sided Mann–Whitney U test behind set-level inference: are the suspect records, as a group, scored higher
// (more member-like) than the same-distribution non-members? Ranks only, so it holds for any attack's score scale.
import { MiaError } from '../../common/errors';
import { standardNormalCdf } from './normal-distribution';

/** Both groups at most this large and no tied scores: the p-value comes from the exact distribution of U. */
export const exactMannWhitneyLimit = 10;

export interface MannWhitneyResult {
  /** U of the suspects: the number of (suspect, reference) pairs where the suspect scores higher, ties counting ½. */
  readonly u: number;
  /** P(U ≥ observed) under the null that both groups come from one distribution. */
  readonly pValue: number;
  readonly method: 'exact' | 'normal';
  /** The common-language effect size U/(n₁n₂): the chance that a random suspect outscores a random reference. */
  readonly commonLanguage: number;
  /** The rank-biserial correlation 2·U/(n₁n₂) − 1, from −1 to 1; 0 means no difference. */
  readonly rankBiserial: number;
}

/**
 * Tests H₁ "suspects score higher than references". The normal approximation corrects the variance for ties and
 * applies the ½ continuity correction (as scipy.stats.mannwhitneyu does); without ties and with both groups of at
 * most `exactMannWhitneyLimit` records the p-value is exact.
 */
export function mannWhitneyGreater(suspects: Float64Array, references: Float64Array): MannWhitneyResult {
  const n1 = suspects.length;
  const n2 = references.length;
  if (n1 === 0 || n2 === 0) {
    throw new MiaError(
      'metrics.empty-group',
      `The Mann–Whitney test needs at least one suspect and one nonmember-reference score; got ${n1} and ${n2}.`,
    );
  }
  const { rankSumFirst, tieTerm } = midRanks(suspects, references);
  const u = rankSumFirst - (n1 * (n1 + 1)) / 2;
  const exact = tieTerm === 0 && n1 <= exactMannWhitneyLimit && n2 <= exactMannWhitneyLimit;
  const pValue = exact ? exactUpperTail(n1, n2, u) : normalUpperTail(n1, n2, u, tieTerm);
  const commonLanguage = u / (n1 * n2);
  return { u, pValue, method: exact ? 'exact' : 'normal', commonLanguage, rankBiserial: 2 * commonLanguage - 1 };
}

/** The rank sum of the first group (tied scores share their mean rank) and Σ(t³ − t) over groups of t tied scores. */
function midRanks(first: Float64Array, second: Float64Array): { rankSumFirst: number; tieTerm: number } {
  const n = first.length + second.length;
  const scores = new Float64Array(n);
  scores.set(first);
  scores.set(second, first.length);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumFirst = 0;
  let tieTerm = 0;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && scores[order[end]!] === scores[order[start]!]) end++;
    const rank = (start + 1 + end) / 2; // mean of ranks start+1 … end
    for (let k = start; k < end; k++) if (order[k]! < first.length) rankSumFirst += rank;
    const tied = end - start;
    tieTerm += tied * tied * tied - tied;
    start = end;
  }
  return { rankSumFirst, tieTerm };
}

function normalUpperTail(n1: number, n2: number, u: number, tieTerm: number): number {
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 1; // every score tied: nothing separates the groups
  const z = (u - (n1 * n2) / 2 - 0.5) / Math.sqrt(variance);
  return standardNormalCdf(-z);
}

/**
 * P(U ≥ u) from the counts of rank arrangements: c(m, k, ·), the number of ways m suspects among m + k records
 * reach each U, follows c(m, k, u) = c(m − 1, k, u − k) + c(m, k − 1, u) (the largest record is a suspect or not).
 */
function exactUpperTail(n1: number, n2: number, u: number): number {
  // counts[m][k] is the distribution of U for m suspects and k references, an array over U = 0 … m·k.
  const counts: Float64Array[][] = [];
  for (let m = 0; m <= n1; m++) {
    counts.push([]);
    for (let k = 0; k <= n2; k++) {
      const here = new Float64Array(m * k + 1);
      if (m === 0 || k === 0) here[0] = 1;
      else {
        const withoutSuspect = counts[m - 1]![k]!;
        const withoutReference = counts[m]![k - 1]!;
        for (let v = 0; v < withoutSuspect.length; v++) here[v + k]! += withoutSuspect[v]!;
        for (let v = 0; v < withoutReference.length; v++) here[v]! += withoutReference[v]!;
      }
      counts[m]!.push(here);
    }
  }
  const distribution = counts[n1]![n2]!;
  let total = 0;
  let tail = 0;
  for (let v = 0; v < distribution.length; v++) {
    total += distribution[v]!;
    if (v >= u) tail += distribution[v]!;
  }
  return tail / total;
}
