// Models: the three target families and a stored model's summary.
import { z } from 'zod';
import { Id } from './ids';

export const ModelKind = z.enum(['classifier', 'clip', 'diffusion']);
export type ModelKind = z.infer<typeof ModelKind>;

export const ModelSummary = z.object({
  id: Id,
  name: z.string(),
  kind: ModelKind,
  role: z.enum(['target', 'shadow', 'reference', 'null']),
  sha256: z.string(),
  createdAt: z.string(),
  /** For a null model: the target it belongs to, which New run pre-selects it for. */
  nullForModelId: Id.nullable(),
  /** For a model served over the network: the host (and port) its requests go to, shown wherever the model is listed. */
  remoteHost: z.string().nullable(),
  /** A classifier treated as label-only (only its predicted label is read); absent for every other model. */
  labelOnly: z.boolean().optional(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;
