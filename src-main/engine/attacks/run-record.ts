// A record as an attack sees it: enough to load its pixels and to know its label, caption and role.
import { z } from 'zod';
import { DatasetSourceKind, RecordRole } from '../../../src-shared/domain/records';

export const RunRecord = z.object({
  id: z.number().int().positive(),
  key: z.string(),
  path: z.string(),
  sourceIndex: z.number().int().nonnegative().nullable(),
  sha256: z.string(),
  label: z.number().int().nullable(),
  caption: z.string().nullable(),
  member: z.union([z.literal(0), z.literal(1)]).nullable(),
  role: RecordRole,
  /** How the dataset was imported; tells the pixel loader how to read `path` (an image file or a container). */
  sourceKind: DatasetSourceKind.optional(),
});
export type RunRecord = z.infer<typeof RunRecord>;
