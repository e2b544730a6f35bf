// Validates the (scores, labels) pair every metric takes: same length, labels 1 = member / 0 = non-member,
// no NaN scores (±Infinity is allowed: log-probabilities can legitimately reach it).
import { MiaError } from '../../common/errors';

export interface ClassCounts {
  readonly members: number;
  readonly nonMembers: number;
}

export function countClasses(scores: Float64Array, labels: Uint8Array, what = 'the scores'): ClassCounts {
  if (scores.length !== labels.length) {
    throw new MiaError(
      'metrics.length-mismatch',
      `${what}: ${scores.length} scores but ${labels.length} membership labels; each evaluated record needs exactly one of each.`,
      {
        scores: scores.length,
        labels: labels.length,
      },
    );
  }
  let members = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label > 1) {
      throw new MiaError(
        'metrics.invalid-label',
        `${what}: membership label at position ${i} is ${label}; expected 1 (member) or 0 (non-member).`,
        { index: i, label },
      );
    }
    if (Number.isNaN(scores[i]!)) {
      throw new MiaError(
        'metrics.invalid-score',
        `${what}: the score at position ${i} is NaN; an attack must give every evaluated record a number.`,
        { index: i },
      );
    }
    members += label;
  }
  return { members, nonMembers: labels.length - members };
}

/** Throws unless both classes are present: ROC and AUC are undefined otherwise. */
export function requireBothClasses(counts: ClassCounts, what = 'the scores'): void {
  if (counts.members === 0 || counts.nonMembers === 0) {
    throw new MiaError(
      'metrics.missing-class',
      `${what}: ROC and AUC need at least one member and one non-member with known membership; got ${counts.members} members and ${counts.nonMembers} non-members.`,
      { members: counts.members, nonMembers: counts.nonMembers },
    );
  }
}
