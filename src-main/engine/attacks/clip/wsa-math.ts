// The weakly supervised attack's bookkeeping, apart from any model: the threshold from guaranteed non-members,
// pseudo-labelling of the unlabelled pool, balancing, the attack model's feature rows and the pseudo-label error.
import { MiaError } from '../../../common/errors';
import type { SeededRandom } from '../../random/seeded-random';
import type { RunRecord } from '../run-record';
import type { Embeddings } from './clip-target';

/**
 * The guaranteed non-members N (role "nonmember-reference") and the unlabelled pool U (role "pool") of a dataset.
 * Both must exist, and neither may share a record key with the records the run reports.
 */
export function wsaRoles(dataset: readonly RunRecord[], reported: readonly RunRecord[]): { nonMembers: RunRecord[]; pool: RunRecord[] } {
  const nonMembers = dataset.filter((r) => r.role === 'nonmember-reference');
  const pool = dataset.filter((r) => r.role === 'pool');
  for (const [role, list] of [
    ['nonmember-reference', nonMembers],
    ['pool', pool],
  ] as const) {
    if (list.length === 0) {
      throw new MiaError(
        'run.missing-role',
        `The WSA attack needs records with role "${role}" (${role === 'pool' ? 'an unlabelled pool of members and non-members' : 'guaranteed non-members'}), and the dataset has none.`,
      );
    }
  }
  const reportedKeys = new Set(reported.map((r) => r.key));
  for (const [role, list] of [
    ['nonmember-reference', nonMembers],
    ['pool', pool],
  ] as const) {
    const overlap = list.filter((r) => reportedKeys.has(r.key));
    if (overlap.length > 0) {
      throw new MiaError(
        'wsa.overlaps-reported',
        `${overlap.length} records with role "${role}" (e.g. "${overlap[0]!.key}") are also among the audited or calibration records; WSA's threshold and attack model must not see the records it reports.`,
        {
          role,
          keys: overlap.slice(0, 10).map((r) => r.key),
        },
      );
    }
  }
  return { nonMembers, pool };
}

/** The λ values of the optional sweep (threshold τ = μ + λσ over the guaranteed non-members; the default λ is 1). */
export const lambdaSweepValues: readonly number[] = [-0.5, 0, 0.5, 1, 1.5, 2, 2.5];

export interface WsaThreshold {
  readonly mean: number;
  /** Population standard deviation (divides by n), as the demo kit's reference computation does. */
  readonly std: number;
  readonly lambda: number;
  readonly tau: number;
}

/** τ = μ + λσ over the similarities of the guaranteed non-members. */
export function wsaThreshold(nonMemberSimilarities: Float64Array, lambda: number): WsaThreshold {
  const n = nonMemberSimilarities.length;
  if (n === 0) throw new MiaError('wsa.no-nonmembers', 'WSA needs at least one guaranteed non-member to set its threshold.');
  let sum = 0;
  for (const value of nonMemberSimilarities) sum += value;
  const mean = sum / n;
  let squares = 0;
  for (const value of nonMemberSimilarities) squares += (value - mean) ** 2;
  const std = Math.sqrt(squares / n);
  return { mean, std, lambda, tau: mean + lambda * std };
}

/** Indices (ascending) of the pool records whose similarity reaches τ. */
export function pseudoMemberIndices(poolSimilarities: Float64Array, tau: number): Int32Array {
  const picked: number[] = [];
  poolSimilarities.forEach((value, i) => {
    if (value >= tau) picked.push(i);
  });
  return Int32Array.from(picked);
}

/**
 * Equal numbers of pseudo-members and non-members: the larger side is cut to the size of the smaller by a seeded
 * sample without replacement; indices come back ascending so the training rows keep the records' order.
 */
export function balanceSides(
  memberCount: number,
  nonMemberCount: number,
  random: SeededRandom,
): { members: Int32Array; nonMembers: Int32Array } {
  const size = Math.min(memberCount, nonMemberCount);
  const pick = (count: number, label: string): Int32Array =>
    count === size ? Int32Array.from({ length: count }, (_, i) => i) : random.fork(label).sampleWithoutReplacement(count, size).sort();
  return { members: pick(memberCount, 'members'), nonMembers: pick(nonMemberCount, 'non-members') };
}

/** Fraction of the pseudo-members whose ground truth says non-member, over those with known membership; null when none is known. */
export function pseudoLabelErrorRate(membership: readonly (0 | 1 | null)[]): { rate: number | null; known: number } {
  let known = 0;
  let wrong = 0;
  for (const member of membership) {
    if (member === null) continue;
    known++;
    if (member === 0) wrong++;
  }
  return { rate: known === 0 ? null : wrong / known, known };
}

/** Feature rows [f_I(x) ‖ f_T(c)] in float64 for the chosen rows of paired embeddings. */
export function concatenatedFeatures(images: Embeddings, texts: Embeddings, rows: ArrayLike<number>): Float64Array {
  const d = images.dimension;
  if (texts.dimension !== d)
    throw new MiaError('attack.embedding-mismatch', `Image embeddings have ${d} values and text embeddings ${texts.dimension}.`);
  const out = new Float64Array(rows.length * 2 * d);
  for (let r = 0; r < rows.length; r++) {
    const source = rows[r]!;
    for (let k = 0; k < d; k++) {
      out[r * 2 * d + k] = images.values[source * d + k]!;
      out[r * 2 * d + d + k] = texts.values[source * d + k]!;
    }
  }
  return out;
}
