// The batch script every array task of a Slurm training job runs: the auditor's preamble (module load …, a venv's
// activate line), then the bundled recipe for the one planned model $SLURM_ARRAY_TASK_ID names. On exit, whatever
// ends it, the task writes its exit status and array job id to its own exit file: on a cluster without accounting
// that file is how the workbench learns a task's outcome once squeue has forgotten it.
import { shellQuote } from './slurm-commands';

/** The staging folder's layout, the same on both sides of a path mapping. */
export const slurmStageLayout = {
  script: 'run.sh',
  jobFile: 'job.json',
  recipe: 'train_classifier.py',
  tensors: 'tensors.f32',
  models: 'models',
  logs: 'logs',
  status: 'status',
} as const;

/** Relative to the staging folder: the log and exit file of array task `index`. */
export const taskLogName = (index: number | '%a') => `${slurmStageLayout.logs}/task-${index}.log`;
export const taskExitName = (index: number) => `${slurmStageLayout.status}/task-${index}.exit`;

export interface BatchScriptOptions {
  /** The staging folder as the cluster sees it. */
  readonly clusterFolder: string;
  readonly trainingJobId: number;
  readonly preamble: string;
  readonly python: string;
}

export function slurmBatchScript(options: BatchScriptOptions): string {
  const folder = options.clusterFolder;
  const inFolder = (name: string) => shellQuote(`${folder}/${name}`);
  return [
    '#!/bin/bash',
    `# Written by MIA Workbench for training job ${options.trainingJobId}: trains planned model $SLURM_ARRAY_TASK_ID.`,
    'task=${SLURM_ARRAY_TASK_ID:?this script runs as a Slurm array task}',
    `exit_file=${inFolder(`${slurmStageLayout.status}/task-`)}"$task.exit"`,
    // Written whole (rename), with the array job id so an exit file left by an earlier submission is told apart.
    `trap 'status=$?; echo "$status \${SLURM_ARRAY_JOB_ID:-}" > "$exit_file.partial" && mv "$exit_file.partial" "$exit_file"' EXIT`,
    'set -e',
    '# The preamble, as the auditor wrote it:',
    options.preamble,
    '# The recipe:',
    'export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-1}" PYTHONUNBUFFERED=1',
    `${shellQuote(options.python)} ${inFolder(slurmStageLayout.recipe)} ${inFolder(slurmStageLayout.jobFile)} --model "$task"`,
    '',
  ].join('\n');
}
