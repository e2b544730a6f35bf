// The contract's shared pieces: record roles, model kinds, run states, ids, errors, and the summaries of datasets,
// models and runs that several channels return. contract.ts re-exports everything here.
import { z } from 'zod';

export const recordRoles = ['audit', 'calibration', 'aux', 'population', 'nonmember-reference', 'pool'] as const;
export const RecordRole = z.enum(recordRoles);
export type RecordRole = z.infer<typeof RecordRole>;

export const ModelKind = z.enum(['classifier', 'clip', 'diffusion']);
export type ModelKind = z.infer<typeof ModelKind>;

export const RunStatus = z.enum(['queued', 'running', 'finished', 'failed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

export const DatasetSourceKind = z.enum(['manifest-csv', 'manifest-jsonl', 'imagefolder', 'idx', 'cifar']);
export type DatasetSourceKind = z.infer<typeof DatasetSourceKind>;

export const ErrorPayload = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorPayload = z.infer<typeof ErrorPayload>;

export const Id = z.number().int().positive();
export const NoRequest = z.strictObject({}).optional();

export const DatasetSummary = z.object({
  id: Id,
  name: z.string(),
  sourceKind: DatasetSourceKind,
  sourcePath: z.string(),
  recordCount: z.number().int(),
  classNames: z.array(z.string()).nullable(),
  roleCounts: z.record(z.string(), z.number().int()),
  createdAt: z.string(),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

export const ModelSummary = z.object({
  id: Id,
  name: z.string(),
  kind: ModelKind,
  role: z.enum(['target', 'shadow', 'reference', 'null']),
  sha256: z.string(),
  createdAt: z.string(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const RunSummary = z.object({
  id: Id,
  attack: z.string(),
  family: ModelKind,
  status: RunStatus,
  targetModelId: Id,
  datasetId: Id,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  modelCalls: z.number().int(),
  error: ErrorPayload.nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;
