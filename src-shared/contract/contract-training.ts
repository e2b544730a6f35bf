// The contract's part for shadow and reference models the workbench plans or trains itself: split plans written
// for an auditor's own pipeline, the Python the training bridge uses, and training jobs. contract.ts lists the
// channels and events; the schemas live here so that file stays one table of contents.
import { z } from 'zod';
import { Id, Seed, SplitPurpose, TrainingBackend } from './contract-common';

/**
 * The only say the page has in where a plan and its models are written: one plain folder name, never a path (no
 * separator, no `..`, and it starts with a letter or digit, so it is never `.` either). The headless host creates it
 * under its training root; the app ignores it and asks with a folder dialog of its own (see FrontDoor).
 */
export const TrainingFolderName = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'must be a single name of letters, digits, spaces, dots, dashes and underscores, not a path')
  .refine((name) => !name.includes('..'), 'must not contain ".."');

export const SplitPlanRequest = z.strictObject({
  /** shadow: Shokri shadows drawn from the dataset's `aux` records; reference: LiRA/RMIA models on halves of the audited records. */
  purpose: SplitPurpose,
  datasetId: Id,
  /** The audited model: its input preprocessing and class count are what the planned models must match. */
  targetModelId: Id,
  count: z.number().int().min(1).max(256).default(8),
  seed: Seed,
  /**
   * Shadow plans only: m, the records each shadow trains on (it holds out another m). Default: the target's
   * training-set size when its sidecar states it, else half the aux pool.
   */
  trainSize: z.number().int().min(1).optional(),
  /**
   * The folder for plan.json, manifest.json, splits.csv (and trained models), by name only: required by the headless
   * host, which creates it under its training root; the app asks with a folder dialog instead. Existing plan files
   * there are replaced.
   */
  folderName: TrainingFolderName.optional(),
});
export type SplitPlanRequest = z.input<typeof SplitPlanRequest>;

export const SplitPlanSummary = z.object({
  purpose: SplitPurpose,
  /** The folder the front door resolved (the dialog's answer, or the name under the training root), absolute. */
  folder: z.string(),
  planPath: z.string(),
  manifestPath: z.string(),
  splitsPath: z.string(),
  seed: z.number().int(),
  /** Records the plan draws from, and from which roles. */
  pool: z.object({ roles: z.array(z.string()), size: z.number().int().nonnegative() }),
  models: z.array(z.object({ name: z.string(), file: z.string(), trainCount: z.number().int(), heldOutCount: z.number().int() })),
  /** Facts an auditor should read before training (defaults taken, records left out). */
  notes: z.array(z.string()),
});
export type SplitPlanSummary = z.infer<typeof SplitPlanSummary>;

/** Optimiser settings of the bundled recipe; the target's sidecar `training` block fills what is left out. */
export const TrainingRecipe = z.strictObject({
  epochs: z.number().int().min(1).max(1000).optional(),
  learningRate: z.number().positive().max(10).optional(),
  batchSize: z.number().int().min(1).max(4096).optional(),
  weightDecay: z.number().min(0).max(1).optional(),
});
export type TrainingRecipe = z.input<typeof TrainingRecipe>;

/** A name Slurm takes as one token (partition, account, QoS): no spaces, quotes or leading dash. */
const SlurmToken = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:,+=/@-]*$/, 'must be one Slurm name (letters, digits and _ . : , + = / @ -), not starting with a dash');

/** Where the training folder is mounted on the cluster, when that differs from the workstation. */
export const SlurmPathMap = z.strictObject({
  workstation: z.string().min(1).max(4096).startsWith('/', 'must be an absolute path'),
  cluster: z.string().min(1).max(4096).startsWith('/', 'must be an absolute path'),
});

/**
 * How a training job is handed to Slurm as one job array (see docs/slurm.md). The training folder the front door
 * chose must be on a file system the cluster's nodes see: the plan, tensors, recipe and batch script are staged in
 * its `.mia-slurm/` folder and the models come back there.
 */
export const SlurmSettings = z.strictObject({
  /** An SSH host (alias from the user's own ssh config) to submit on; absent: this machine is a submit host. */
  submitHost: z
    .string()
    .max(255)
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/, 'must be an SSH host name or alias, not starting with a dash')
    .optional(),
  pathMap: SlurmPathMap.optional(),
  partition: SlurmToken.optional(),
  account: SlurmToken.optional(),
  qos: SlurmToken.optional(),
  /** --time, e.g. 30, 1:00:00 or 1-00:00:00. */
  time: z
    .string()
    .regex(/^\d+([-:]\d+){0,3}$/, 'must be a Slurm time limit such as 30, 1:00:00 or 1-00:00:00')
    .optional(),
  cpusPerTask: z.number().int().min(1).max(1024).optional(),
  /** --mem per node, e.g. 4G. */
  mem: z
    .string()
    .regex(/^\d+[KMGT]?$/, 'must be a Slurm memory size such as 4000 or 4G')
    .optional(),
  /** --gres, e.g. gpu:1 or gpu:a100:2. */
  gres: SlurmToken.optional(),
  /** The %LIMIT of --array: at most this many tasks run at once. */
  arrayLimit: z.number().int().min(1).max(10_000).optional(),
  /** Shell lines run before the recipe in every task (module load …, source venv/bin/activate). */
  preamble: z.string().max(8000).default(''),
  /** Further sbatch options, each one argument (`--constraint=v100`); never passed through a shell. */
  extraArgs: z
    .array(
      z
        .string()
        .max(500)
        .regex(/^--?[A-Za-z]/, 'must be an sbatch option starting with - or --'),
    )
    .max(32)
    .default([]),
  /** The Python on the cluster's nodes (after the preamble) that runs the recipe. */
  python: z.string().min(1).max(4096).default('python3'),
  /** Seconds between two looks at squeue. */
  pollSeconds: z.number().min(0.5).max(600).default(10),
});
export type SlurmSettings = z.input<typeof SlurmSettings>;

export const TrainingStartRequest = SplitPlanRequest.extend({
  recipe: TrainingRecipe.default({}),
  /** local: a child process on this machine; slurm: one job array on the auditor's cluster. */
  backend: TrainingBackend.default('local'),
  /** Used when backend is slurm. */
  slurm: SlurmSettings.prefault({}),
  /** Name of the imported model set; defaults to "<target> shadows (trained, seed N)" or "… reference models …". */
  name: z.string().trim().min(1).max(200).optional(),
});
export type TrainingStartRequest = z.input<typeof TrainingStartRequest>;

export const TrainingProgress = z.object({
  jobId: Id,
  /** 0-based model being trained, its epoch (1-based) and the mean training loss of that epoch. */
  model: z.number().int().nonnegative(),
  modelCount: z.number().int().positive(),
  epoch: z.number().int().nonnegative(),
  epochs: z.number().int().positive(),
  loss: z.number().nullable(),
});
export type TrainingProgress = z.infer<typeof TrainingProgress>;

export const PythonProbe = z.object({
  /** A Python that imports torch was found; `path` is it. */
  found: z.boolean(),
  path: z.string().nullable(),
  torchVersion: z.string().nullable(),
  /** Where the path came from: the host's --python option, the Settings value, the MIA_PYTHON variable, or a search of PATH. */
  source: z.enum(['option', 'setting', 'environment', 'search']).nullable(),
  /** Every interpreter tried and why it was not used. */
  tried: z.array(z.object({ path: z.string(), problem: z.string() })),
});
export type PythonProbe = z.infer<typeof PythonProbe>;

export const TrainingSettings = z.object({
  /** The Python interpreter the training bridge runs; null = search (MIA_PYTHON, then every python3 on PATH). */
  pythonPath: z.string().nullable(),
  /**
   * Whether this front door can change it: the app asks for confirmation in a dialog of its own; the headless host
   * cannot, and takes its interpreter only from `--python` or MIA_PYTHON.
   */
  pythonChangeable: z.boolean(),
  /**
   * How the page picks where plans and trained models go: `dialog`, the app's folder dialog; `name`, a folder name
   * the headless host creates under `trainingRoot`; `none`, a front door that takes folders only from its own
   * command line (the CLI).
   */
  folderChoice: z.enum(['dialog', 'name', 'none']),
  /** The headless host's training root (its --training-root, else `training/` beside the workspace); null elsewhere. */
  trainingRoot: z.string().nullable(),
});
export type TrainingSettings = z.infer<typeof TrainingSettings>;

/** A proposal only: nothing runs or is saved until the main process has the change confirmed (see FrontDoor). */
export const TrainingSettingsUpdate = z.strictObject({
  pythonPath: z.string().trim().min(1).max(4096).nullable(),
});
export type TrainingSettingsUpdate = z.input<typeof TrainingSettingsUpdate>;

export const TrainingJobRef = z.strictObject({ jobId: Id });

/** Resubmits failed array tasks of a Slurm training job, by index; only tasks that failed are accepted. */
export const TrainingResubmitRequest = z.strictObject({
  jobId: Id,
  indices: z.array(z.number().int().nonnegative().max(255)).min(1).max(256),
});
