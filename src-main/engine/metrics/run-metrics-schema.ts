// The shape of a run's metrics as they leave the engine host and are stored: rows for the `metrics` table
// (name, slice, value, interval, note) plus the per-class list and how the figures were obtained.
import { z } from 'zod';
import { StoredMetricRow } from '../../../src-shared/domain/runs';

/** One row of the `metrics` table, as the contract defines it for the views: the engine produces exactly that. */
export const MetricRow = StoredMetricRow;
export type MetricRow = StoredMetricRow;

export const PerClassAuc = z.object({
  classIndex: z.number().int().nonnegative(),
  className: z.string().nullable(),
  members: z.number().int().nonnegative(),
  nonMembers: z.number().int().nonnegative(),
  auc: z.number().nullable(),
  note: z.string().nullable(),
});
export type PerClassAuc = z.infer<typeof PerClassAuc>;

export const OperatingPointSource = z.enum(['calibration', 'fixed', 'none']);
export type OperatingPointSource = z.infer<typeof OperatingPointSource>;

export const RunMetrics = z.object({
  /** Members and non-members that entered the metrics (after balancing, when asked). */
  members: z.number().int().nonnegative(),
  nonMembers: z.number().int().nonnegative(),
  balanced: z.boolean(),
  bootstrap: z
    .object({
      resamples: z.number().int().positive(),
      confidence: z.number(),
      /** The seeded stream the resamples came from, e.g. `1234/metrics/bootstrap`. */
      stream: z.string(),
    })
    .nullable(),
  operatingPoint: z.object({
    source: OperatingPointSource,
    threshold: z.number().nullable(),
    note: z.string().nullable(),
  }),
  metrics: z.array(MetricRow),
  perClass: z.array(PerClassAuc),
});
export type RunMetrics = z.infer<typeof RunMetrics>;
