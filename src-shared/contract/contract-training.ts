// The contract's part for shadow and reference models the workbench plans or trains itself: split plans written
// for an auditor's own pipeline, the Python the training bridge uses, and training jobs. contract.ts lists the
// channels and events; the schemas live here so that file stays one table of contents.
import { z } from 'zod';
import { Id, Seed, SplitPurpose } from './contract-common';

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

export const TrainingStartRequest = SplitPlanRequest.extend({
  recipe: TrainingRecipe.default({}),
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
