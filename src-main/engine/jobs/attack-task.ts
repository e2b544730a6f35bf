// The task the service sends the engine host for one attack run: everything the run needs, resolved from the
// workspace, so the engine never reads the database.
import { z } from 'zod';
import { ModelKind } from '../../../src-shared/domain/models';
import { EpsilonDelta } from '../../../src-shared/domain/privacy-bound';
import { RemoteModelDescriptor } from '../../../src-shared/domain/remote-models';
import { RunRecordList } from '../attacks/run-record-list';
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
  records: RunRecordList,
  references: z.array(ModelSpec),
  shadows: z.array(ModelSpec),
  nullModel: ModelSpec.nullable(),
  /** Where remote responses are cached, keyed by request (`<workspace folder>/remote-cache`); set when a model is remote. */
  remoteCache: z.string().min(1).optional(),
  /** The most infer requests the run may send to servers (responses from the cache are free); none: no limit. */
  queryBudget: z.number().int().positive().optional(),
  /** δ of the empirical ε lower bound; absent: the default (1e-5). */
  epsilonDelta: EpsilonDelta.optional(),
  /** The execution provider asked for at Start (setting or $MIA_ENGINE_PROVIDER); absent: the CPU only. */
  executionProvider: ProviderRequest.optional(),
  /**
   * Keys from the app's encrypted store, by the variable name a remote model's apiKeyEnv gives: the transport reads
   * them before its own environment. Added in memory as the task goes to the engine host (api-key-environment.ts);
   * never part of what the workspace stores.
   */
  apiKeys: z.record(z.string(), z.string()).optional(),
  /**
   * For an attack that trains a model while it runs (needs.python, qmia's quantile regressor): the Python found at
   * Start to import torch, and the run's own folder in the workspace where what it trains is kept.
   */
  trainingBridge: z.object({ python: z.string().min(1), folder: z.string().min(1) }).optional(),
});
export type AttackTask = z.infer<typeof AttackTask>;
