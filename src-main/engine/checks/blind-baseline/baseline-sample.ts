// Which audited records the blind baseline is fitted on: all of them up to a cap, a seeded sample keeping the member
// share beyond it. Its features are a row per record and its cross-validated fit takes hundreds of passes over them,
// so a million-record run would hold hundreds of MB of features and fit for minutes, for an AUC whose interval is
// already narrow at the cap (±0.01 or so); the sample keeps the check's memory and time flat.
import type { SeededRandom } from '../../random/seeded-random';

/** Up to this many records, the baseline uses every one of them, so results on audits of that size are unchanged. */
export const blindBaselineMaxRecords = 20_000;

/**
 * Positions into `labels` (ascending) of the records to fit on, or null for all of them. Members and non-members are
 * drawn separately in proportion to their counts (each at least 2 when there are that many), from `random`.
 */
export function blindBaselineSample(labels: Uint8Array, random: SeededRandom, maxRecords = blindBaselineMaxRecords): Int32Array | null {
  if (labels.length <= maxRecords) return null;
  const members: number[] = [];
  const nonMembers: number[] = [];
  for (let i = 0; i < labels.length; i++) (labels[i] === 1 ? members : nonMembers).push(i);
  const memberCount = Math.min(members.length, Math.max(2, Math.round((maxRecords * members.length) / labels.length)));
  const nonMemberCount = Math.min(nonMembers.length, maxRecords - memberCount);
  const fromMembers = random.fork('members').sampleWithoutReplacement(members.length, memberCount);
  const fromNonMembers = random.fork('non-members').sampleWithoutReplacement(nonMembers.length, nonMemberCount);
  const picked = new Int32Array(memberCount + nonMemberCount);
  fromMembers.forEach((at, i) => (picked[i] = members[at]!));
  fromNonMembers.forEach((at, i) => (picked[memberCount + i] = nonMembers[at]!));
  return picked.sort();
}
