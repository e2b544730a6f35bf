// What an attack job sends back to the service for one run: the per-record scores (typed arrays, so they cross the
// process boundary without becoming JSON lists), the metrics and validity checks, and how long each part took.
// The service stores it in one transaction; it is the only time a run's scores leave the engine.
import { z } from 'zod';
import { ValidityCheck } from '../checks/validity-check';
import { MetricRow } from '../metrics/run-metrics-schema';
import { ExecutionProviderName } from '../models/execution-provider-request';

export const AttackJobResult = z.object({
  kind: z.literal('attack'),
  recordIds: z.instanceof(Int32Array),
  scores: z.instanceof(Float64Array),
  modelCalls: z.number().int().nonnegative(),
  notes: z.array(z.string()),
  metrics: z.array(MetricRow),
  checks: z.array(ValidityCheck),
  timings: z.record(z.string(), z.number()),
  /** The ONNX Runtime execution provider the run's local sessions used: part of the run's provenance. */
  executionProvider: ExecutionProviderName,
});
export type AttackJobResult = z.infer<typeof AttackJobResult>;
