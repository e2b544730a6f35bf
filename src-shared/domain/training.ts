// Training jobs for shadow and reference models: what they are for, their states and their summary.
import { z } from 'zod';
import { Id } from './ids';

export const SplitPurpose = z.enum(['shadow', 'reference']);
export type SplitPurpose = z.infer<typeof SplitPurpose>;

/** `interrupted`: the process running the job ended (a crash, the app closed) before it finished. */
export const TrainingStatus = z.enum(['running', 'finished', 'failed', 'cancelled', 'interrupted']);
export type TrainingStatus = z.infer<typeof TrainingStatus>;

export const TrainingJobSummary = z.object({
  id: Id,
  purpose: SplitPurpose,
  status: TrainingStatus,
  datasetId: Id,
  targetModelId: Id,
  folder: z.string(),
  modelCount: z.number().int(),
  /** Models finished so far. */
  modelsDone: z.number().int().nonnegative(),
  /** The imported set, once every model is trained, exported and imported. */
  modelSetId: Id.nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The resolved recipe and architecture, as the training script ran them. */
  recipe: z.object({
    architecture: z.string(),
    epochs: z.number(),
    learningRate: z.number(),
    batchSize: z.number(),
    weightDecay: z.number(),
  }),
  /** Per model, once trained: accuracy on its own training records and on the records it held out. */
  results: z.array(z.object({ name: z.string(), trainAccuracy: z.number(), heldOutAccuracy: z.number().nullable(), seconds: z.number() })),
  log: z.array(z.string()),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type TrainingJobSummary = z.infer<typeof TrainingJobSummary>;
