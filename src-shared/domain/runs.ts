// Runs: their states, the error a failed one carries, their summary and the metric rows they store.
import { z } from 'zod';
import { Id } from './ids';
import { ModelKind } from './models';

export const RunStatus = z.enum(['queued', 'running', 'finished', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

export const ErrorPayload = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

/** Longest run name, generated or given by the auditor (runs.describe). */
export const maxRunNameLength = 200;

/**
 * The two figures the Runs table shows and sorts by for every run, read with the run list in one query: the AUC and
 * the TPR at 1 % FPR of the whole audit set. Null while a run has not finished (or has no such metric).
 */
export const RunHeadlineMetrics = z.object({
  auc: z.number().nullable(),
  tprAt1Percent: z.number().nullable(),
});
export type RunHeadlineMetrics = z.infer<typeof RunHeadlineMetrics>;

export const RunSummary = z.object({
  id: Id,
  /** Generated when the run is prepared (presentation/run-name.ts); the auditor may change it (runs.describe). */
  name: z.string(),
  tags: z.array(z.string()),
  note: z.string(),
  attack: z.string(),
  /** The attack's parameters as the run used them, defaults filled in. */
  params: z.record(z.string(), z.unknown()),
  family: ModelKind,
  status: RunStatus,
  targetModelId: Id,
  datasetId: Id,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  modelCalls: z.number().int(),
  error: ErrorPayload.nullable(),
  headline: RunHeadlineMetrics,
});
export type RunSummary = z.infer<typeof RunSummary>;

export const StoredMetricRow = z.object({
  name: z.string(),
  /** '' for the whole audit set, `class:<index>` for a class. */
  slice: z.string(),
  value: z.number().nullable(),
  ciLow: z.number().nullable(),
  ciHigh: z.number().nullable(),
  note: z.string().nullable(),
});
export type StoredMetricRow = z.infer<typeof StoredMetricRow>;
