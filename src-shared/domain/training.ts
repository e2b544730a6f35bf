// Training jobs for shadow and reference models: what they are for, their states and their summary.
import { z } from 'zod';
import { Id } from './ids';

export const SplitPurpose = z.enum(['shadow', 'reference']);
export type SplitPurpose = z.infer<typeof SplitPurpose>;

/** `interrupted`: the process running the job ended (a crash, the app closed) before it finished. */
export const TrainingStatus = z.enum(['running', 'finished', 'failed', 'cancelled', 'interrupted']);
export type TrainingStatus = z.infer<typeof TrainingStatus>;

/** Where a training job's models are trained: a child process here, or a Slurm job array on the auditor's cluster. */
export const TrainingBackend = z.enum(['local', 'slurm']);
export type TrainingBackend = z.infer<typeof TrainingBackend>;

/**
 * One array task of a Slurm training job (one planned model). `state` is Slurm's (PENDING, RUNNING, COMPLETED,
 * FAILED, CANCELLED, TIMEOUT …) or UNKNOWN when neither squeue, sacct nor the task's exit file knows it.
 */
export const SlurmTaskState = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  /** The array job this task last ran in (a resubmitted task has its own). */
  jobId: z.string(),
  state: z.string(),
  exitCode: z.number().int().nullable(),
  /** For a failed task: the last lines of its log. */
  logTail: z.array(z.string()),
});
export type SlurmTaskState = z.infer<typeof SlurmTaskState>;

/** Slurm states after which a task does no more work. */
const endedSlurmStates = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'REVOKED',
  'SPECIAL_EXIT',
  'UNKNOWN',
]);

// Shared by the backend (when to import, which indices it resubmits) and the page (which tasks it lists as failed and
// offers to resubmit), so the two never disagree about a task.
export const slurmTaskEnded = (task: Pick<SlurmTaskState, 'state'>): boolean => endedSlurmStates.has(task.state);
export const slurmTaskFailed = (task: Pick<SlurmTaskState, 'state'>): boolean => slurmTaskEnded(task) && task.state !== 'COMPLETED';

/** A Slurm job's side of the training job: its array job ids (first submission, then resubmissions) and tasks. */
export const SlurmJobState = z.object({
  jobIds: z.array(z.string()),
  /** The staging folder as the cluster sees it (the training folder's `.mia-slurm/`, after any path mapping). */
  clusterFolder: z.string(),
  submitHost: z.string().nullable(),
  tasks: z.array(SlurmTaskState),
});
export type SlurmJobState = z.infer<typeof SlurmJobState>;

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
  backend: TrainingBackend,
  /** Slurm jobs only, once submitted. */
  slurm: SlurmJobState.nullable(),
});
export type TrainingJobSummary = z.infer<typeof TrainingJobSummary>;
