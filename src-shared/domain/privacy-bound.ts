// How a run's empirical ε lower bound and Gaussian-DP μ are stored: as rows of the metrics table (name, value,
// note), one row per figure, so the table needs no new column and older runs simply have none. This module writes
// those rows and reads them back into one object for the views, the report and `mia audit --json`.
import { z } from 'zod';
import type { StoredMetricRow } from './runs';

export const EpsilonMethod = z.enum(['calibration-split', 'bonferroni']);
export type EpsilonMethod = z.infer<typeof EpsilonMethod>;

/** δ of the bound when the run sets none. */
export const DEFAULT_EPSILON_DELTA = 1e-5;

/**
 * A run's δ (`epsilonDelta` at Start, `delta:` in an audit config). Above 0.1 the bound says nothing useful: a
 * mechanism may then leak a tenth of the records outright. A sensible δ is also below 1/members (see the README).
 */
export const EpsilonDelta = z
  .number()
  .gt(0, "the ε bound's δ must be greater than 0 (e.g. 1e-5)")
  .max(0.1, "the ε bound's δ must be at most 0.1 (e.g. 1e-5; a sensible δ is below 1 / the number of members)");

/** The stored names; `epsilon_lb` and `gdp_mu` are the figures, the others say how `epsilon_lb` was obtained. */
export const privacyBoundRowNames = {
  value: 'epsilon_lb',
  delta: 'epsilon_lb_delta',
  confidence: 'epsilon_lb_confidence',
  guesses: 'epsilon_lb_guesses',
  /** Its note holds the method's id: a row value is a number, and the method is a word. */
  method: 'epsilon_lb_method',
  gdpMu: 'gdp_mu',
} as const;

/** The rows that only qualify `epsilon_lb`: tables show them inside the ε cell, not as rows of their own. */
export const epsilonDetailRowNames: readonly string[] = [
  privacyBoundRowNames.delta,
  privacyBoundRowNames.confidence,
  privacyBoundRowNames.guesses,
  privacyBoundRowNames.method,
];

export const StoredEpsilonBound = z.object({
  /** ε ≥ value; null when it could not be computed (one class missing). */
  value: z.number().nullable(),
  delta: z.number(),
  confidence: z.number(),
  method: EpsilonMethod,
  guesses: z.number().int().nonnegative(),
  note: z.string().nullable(),
});
export type StoredEpsilonBound = z.infer<typeof StoredEpsilonBound>;

export const StoredGdpMu = z.object({ value: z.number().nullable(), note: z.string().nullable() });
export type StoredGdpMu = z.infer<typeof StoredGdpMu>;

/** The limit every place that shows ε states beside it. */
export const EPSILON_LIMIT_TEXT =
  'It bounds the privacy loss of the training procedure only when membership was randomised (as the split planner does); otherwise it describes this model and this data only.';

type RowLike = Pick<StoredMetricRow, 'name' | 'slice' | 'value' | 'note'>;

function wholeSetRow(name: string, value: number | null, note: string | null): StoredMetricRow {
  return { name, slice: '', value, ciLow: null, ciHigh: null, note };
}

export function privacyBoundRows(bound: StoredEpsilonBound, gdpMu: StoredGdpMu): StoredMetricRow[] {
  return [
    wholeSetRow(privacyBoundRowNames.value, bound.value, bound.note),
    wholeSetRow(privacyBoundRowNames.delta, bound.delta, null),
    wholeSetRow(privacyBoundRowNames.confidence, bound.confidence, null),
    wholeSetRow(privacyBoundRowNames.guesses, bound.guesses, null),
    wholeSetRow(privacyBoundRowNames.method, null, bound.method),
    wholeSetRow(privacyBoundRowNames.gdpMu, gdpMu.value, gdpMu.note),
  ];
}

/** The run's ε bound from its stored rows; null for a run stored before the bound existed (or with rows missing). */
export function readEpsilonBound(rows: readonly RowLike[]): StoredEpsilonBound | null {
  const find = (name: string) => rows.find((r) => r.name === name && r.slice === '');
  const value = find(privacyBoundRowNames.value);
  const parsed = StoredEpsilonBound.safeParse({
    value: value?.value ?? null,
    delta: find(privacyBoundRowNames.delta)?.value,
    confidence: find(privacyBoundRowNames.confidence)?.value,
    method: find(privacyBoundRowNames.method)?.note,
    guesses: find(privacyBoundRowNames.guesses)?.value,
    note: value?.note ?? null,
  });
  return value && parsed.success ? parsed.data : null;
}

export function readGdpMu(rows: readonly RowLike[]): StoredGdpMu | null {
  const row = rows.find((r) => r.name === privacyBoundRowNames.gdpMu && r.slice === '');
  return row ? { value: row.value, note: row.note } : null;
}
