// How precision at a prior reads in run details, Compare and the PDF: one label that says the prior in words, and the
// value as a percentage. Plain TypeScript: no Vue, no DOM.
import { operatingPointRowsOf, precisionAtPrior } from '../domain/precision-at-prior';
import { formatPercent } from './format';

/** "Precision if 1 % of people were members". */
export function precisionAtPriorLabel(prior: number): string {
  return `Precision if ${formatPercent(prior)} of people were members`;
}

/** The run's precision at the prior from its stored rows, as "4.1 %"; "n/a" when nothing was flagged or counts are missing. */
export function precisionAtPriorText(metrics: readonly { name: string; slice: string; value: number | null }[], prior: number): string {
  const value = precisionAtPrior(operatingPointRowsOf(metrics), prior);
  return value === null ? 'n/a' : formatPercent(value);
}

/** Why the figure differs from the audit set's own precision, for a note beside it. */
export const PRECISION_AT_PRIOR_NOTE =
  "Of the people the attack flags at the run's operating threshold, the share who really are members, if members were this fraction of the population rather than the audit set's own mix.";
