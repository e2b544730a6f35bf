// Seeded stratified k-fold assignment: members and non-members are shuffled separately and dealt round the
// folds, so every fold keeps the overall member share.
import type { SeededRandom } from '../../random/seeded-random';

/** Fold index (0 … folds−1) of every record. */
export function stratifiedFolds(labels: Uint8Array, folds: number, random: SeededRandom): Int32Array {
  const assignment = new Int32Array(labels.length);
  const members: number[] = [];
  const nonMembers: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? members : nonMembers).push(i);
  random.fork('members').shuffle(members);
  random.fork('non-members').shuffle(nonMembers);
  // Non-members continue dealing where members stopped, so fold sizes differ by at most one overall.
  members.forEach((record, k) => (assignment[record] = k % folds));
  nonMembers.forEach((record, k) => (assignment[record] = (members.length + k) % folds));
  return assignment;
}
