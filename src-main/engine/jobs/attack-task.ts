// The task the service sends the engine host for one attack run: everything the run needs, resolved from the
// workspace, so the engine never reads the database.
import { z } from 'zod';
import { ModelKind } from '../../../src-shared/domain/models';
import { RunRecord } from '../attacks/run-record';

export const ModelSpec = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  kind: ModelKind,
  /** The model's files by role ("model", "image", "text", "tokenizer", "denoiser", …), hashed at import. */
  files: z.record(z.string(), z.object({ path: z.string(), sha256: z.string() })),
  config: z.unknown(),
  sha256: z.string(),
  trainedOn: z.array(z.string()).nullable(),
});
export type ModelSpec = z.infer<typeof ModelSpec>;

export const AttackTask = z.object({
  kind: z.literal('attack'),
  runId: z.number().int().positive(),
  attack: z.string(),
  params: z.unknown(),
  seed: z.number().int().nonnegative(),
  target: ModelSpec,
  records: z.array(RunRecord),
  references: z.array(ModelSpec),
  shadows: z.array(ModelSpec),
  nullModel: ModelSpec.nullable(),
});
export type AttackTask = z.infer<typeof AttackTask>;
