// Records and datasets: the roles a record plays in an audit, where a dataset came from, its summary, and the
// query that pages through its records.
import { z } from 'zod';
import { Id } from './ids';

// `suspect` records and `nonmember-reference` records are what set-level inference compares; attacks and metrics
// score and evaluate `audit` and `calibration` records only, so neither is ever counted as an audited member or
// non-member.
export const recordRoles = ['audit', 'calibration', 'aux', 'population', 'nonmember-reference', 'pool', 'suspect'] as const;

export const RecordRole = z.enum(recordRoles);
export type RecordRole = z.infer<typeof RecordRole>;

export const DatasetSourceKind = z.enum(['manifest-csv', 'manifest-jsonl', 'imagefolder', 'idx', 'cifar']);
export type DatasetSourceKind = z.infer<typeof DatasetSourceKind>;

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

export const RecordPageQuery = z.strictObject({
  datasetId: Id,
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(500).default(100),
  role: RecordRole.optional(),
  /** A class index, or null for records without a label. */
  label: z.number().int().nonnegative().nullable().optional(),
  /** 1, 0, or null for unknown membership. */
  member: z.union([z.literal(0), z.literal(1), z.null()]).optional(),
  withThumbnails: z.boolean().default(false),
});
export type RecordPageQuery = z.input<typeof RecordPageQuery>;
