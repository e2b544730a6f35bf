// The result every validity check returns (one row of the `checks` table), with its schema for the trip
// out of the engine host, and the number formatting the check messages share.
import { z } from 'zod';

export const ValidityCheckKind = z.enum(['polarity', 'null-model', 'blind-baseline']);
export type ValidityCheckKind = z.infer<typeof ValidityCheckKind>;

export const ValidityCheckStatus = z.enum(['ok', 'warn', 'not-applicable']);
export type ValidityCheckStatus = z.infer<typeof ValidityCheckStatus>;

export const ValidityCheck = z.object({
  kind: ValidityCheckKind,
  status: ValidityCheckStatus,
  /** The figure the check is about (an AUC), or null when the check could not run. */
  value: z.number().nullable(),
  /** Plain words for an auditor: what was measured and what it means. */
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type ValidityCheck = z.infer<typeof ValidityCheck>;

/** An AUC with its interval, as the checks receive it. */
export interface AucEstimate {
  readonly auc: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  /** Share of the bootstrap distribution inside the interval; 0.95 unless said otherwise. */
  readonly confidence?: number;
}

export function formatAuc(value: number): string {
  return value.toFixed(2);
}

/** "AUC 0.41, 95% CI 0.37–0.45", or "AUC 0.41" when there is no interval. */
export function describeAuc(estimate: AucEstimate, label = 'AUC'): string {
  const auc = estimate.auc === null ? 'n/a' : formatAuc(estimate.auc);
  if (estimate.ciLow === null || estimate.ciHigh === null) return `${label} ${auc}`;
  const percent = Math.round((estimate.confidence ?? 0.95) * 100);
  return `${label} ${auc}, ${percent}% CI ${formatAuc(estimate.ciLow)}–${formatAuc(estimate.ciHigh)}`;
}

export function estimateDetails(estimate: AucEstimate): Record<string, unknown> {
  return { auc: estimate.auc, ciLow: estimate.ciLow, ciHigh: estimate.ciHigh, confidence: estimate.confidence ?? 0.95 };
}
