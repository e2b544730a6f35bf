// Picks an equal number of members and non-members (the smaller class size) with a seeded draw, for
// callers that ask for metrics on a balanced audit set instead of all records.
import type { SeededRandom } from '../random/seeded-random';

/** Positions into `labels` of the balanced subsample, in ascending order. */
export function balancedSubsample(labels: Uint8Array, random: SeededRandom): Int32Array {
  const members: number[] = [];
  const nonMembers: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? members : nonMembers).push(i);
  const size = Math.min(members.length, nonMembers.length);
  const picked = new Int32Array(2 * size);
  const fromMembers = random.fork('members').sampleWithoutReplacement(members.length, size);
  const fromNonMembers = random.fork('non-members').sampleWithoutReplacement(nonMembers.length, size);
  for (let i = 0; i < size; i++) {
    picked[i] = members[fromMembers[i]!]!;
    picked[size + i] = nonMembers[fromNonMembers[i]!]!;
  }
  return picked.sort();
}
