// The task the service sends the engine host for one attack run: everything the run needs, resolved from the
// workspace, so the engine never reads the database.
import { z } from 'zod';
import { ModelKind } from '../../../src-shared/domain/models';
import { RemoteModelDescriptor } from '../../../src-shared/domain/remote-models';
import { RunRecord } from '../attacks/run-record';
import { ProviderRequest } from '../models/execution-provider-request';

export const ModelSpec = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  kind: ModelKind,
  /** The model's files by role ("model", "image", "text", "tokenizer", "denoiser", …), hashed at import. */
  files: z.record(z.string(), z.object({ path: z.string(), sha256: z.string() })),
  config: z.unknown(),
  sha256: z.string(),
  trainedOn: z.array(z.string()).nullable(),
  /** A model served over the network: its components are opened through the KServe v2 client (model-components.ts). */
  remote: RemoteModelDescriptor.optional(),
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
  /** Where remote responses are cached, keyed by request (`<workspace folder>/remote-cache`); set when a model is remote. */
  remoteCache: z.string().min(1).optional(),
  /** The most infer requests the run may send to servers (responses from the cache are free); none: no limit. */
  queryBudget: z.number().int().positive().optional(),
  /** The execution provider asked for at Start (setting or $MIA_ENGINE_PROVIDER); absent: the CPU only. */
  executionProvider: ProviderRequest.optional(),
  /**
   * Keys from the app's encrypted store, by the variable name a remote model's apiKeyEnv gives: the transport reads
   * them before its own environment. Added in memory as the task goes to the engine host (api-key-environment.ts);
   * never part of what the workspace stores.
   */
  apiKeys: z.record(z.string(), z.string()).optional(),
});
export type AttackTask = z.infer<typeof AttackTask>;
