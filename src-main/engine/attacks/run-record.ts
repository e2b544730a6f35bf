// A record as an attack sees it: enough to load its pixels and to know its label, caption and role.
import { z } from 'zod';
import { RecordRole } from '../../../src-preload/contract';

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
});
export type RunRecord = z.infer<typeof RunRecord>;
