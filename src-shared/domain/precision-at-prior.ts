// Precision (PPV) at a prior: of the people an attacker flags as members at the run's operating threshold, the share
// that really are, when members are only a `prior` fraction of the population (e.g. 1 %) rather than the audit set's
// own mix. Derived from the operating point's stored precision and recall and the audit set's counts, so it needs no
// scores and reads the same in the CLI, the UI and the PDF.

/** The prior used when the auditor sets none: one person in a hundred is a member. */
export const DEFAULT_MEMBER_PRIOR = 0.01;

export interface OperatingPointRows {
  precision: number | null;
  recall: number | null;
  members: number | null;
  nonMembers: number | null;
}

/**
 * TPR and FPR at the operating threshold, recovered from the stored figures; null when they do not determine them
 * (nothing flagged, no members or non-members, or a precision of 0, which leaves the false positives uncounted).
 */
export function operatingRates(rows: OperatingPointRows): { tpr: number; fpr: number } | null {
  const { precision, recall, members, nonMembers } = rows;
  if (!precision || recall === null || !members || !nonMembers) return null;
  // Counts are whole numbers; rounding removes the float noise of going through two ratios.
  const truePositives = Math.round(recall * members);
  const falsePositives = Math.round(truePositives / precision - truePositives);
  return { tpr: truePositives / members, fpr: falsePositives / nonMembers };
}

/**
 * π·TPR / (π·TPR + (1 − π)·FPR); null when nothing was flagged or the counts are missing. A stored precision of 0
 * (no flagged record was a member) stays 0 at every prior.
 */
export function precisionAtPrior(rows: OperatingPointRows, prior: number): number | null {
  if (rows.precision === 0) return 0;
  const rates = operatingRates(rows);
  if (rates === null) return null;
  const flaggedMembers = prior * rates.tpr;
  return flaggedMembers / (flaggedMembers + (1 - prior) * rates.fpr);
}

/** The operating point's stored figures from a run's whole-set metric rows (absent rows read as null). */
export function operatingPointRowsOf(metrics: readonly { name: string; slice: string; value: number | null }[]): OperatingPointRows {
  const value = (name: string) => metrics.find((m) => m.name === name && m.slice === '')?.value ?? null;
  return { precision: value('precision'), recall: value('recall'), members: value('members'), nonMembers: value('non_members') };
}
