// Stages a Slurm training job in the training folder's `.mia-slurm/` folder, which the cluster's nodes must see: the
// preprocessed tensors (from the engine host, exactly as for local training), the recipe, its JOB.json and the batch
// script, with every path inside them written as the cluster sees it (the settings' path mapping).
import fs from 'node:fs';
import path from 'node:path';
import type { TrainingJobSummary } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';
import type { EngineClient } from '../../host/engine-client';
import { slurmBatchScript, slurmStageLayout } from './slurm-batch-script';
import type { ParsedSlurmSettings } from './slurm-commands';
import type { ResolvedSplitPlan } from './split-plan-files';
import { writeTrainingTensors } from './training-data';
import { trainingJobFile } from './training-job-file';

/** The staging folder of a Slurm job training into `trainingFolder`. */
export const slurmStageFolder = (trainingFolder: string) => path.join(trainingFolder, '.mia-slurm');

/** `file` as the cluster sees it: the mapping's workstation prefix swapped for its cluster prefix. */
export function toClusterPath(file: string, pathMap: ParsedSlurmSettings['pathMap']): string {
  if (!pathMap) return file;
  const from = path.resolve(pathMap.workstation);
  const relative = path.relative(from, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new MiaError(
      'training.slurm-path-unmapped',
      `${file} is not under the path mapping's workstation folder ${from}; put the training folder under it, or change the mapping.`,
      { file },
    );
  }
  return path.posix.join(pathMap.cluster, ...relative.split(path.sep));
}

export interface StagedSlurmJob {
  /** On this machine. */
  readonly stageFolder: string;
  /** The same folder as the cluster sees it. */
  readonly clusterFolder: string;
}

export async function stageSlurmJob(options: {
  readonly engine: EngineClient;
  readonly plan: ResolvedSplitPlan;
  readonly summary: TrainingJobSummary;
  readonly seed: number;
  readonly settings: ParsedSlurmSettings;
  readonly recipe: string;
  readonly signal: AbortSignal;
}): Promise<StagedSlurmJob> {
  const { plan, settings, summary } = options;
  const stageFolder = slurmStageFolder(plan.summary.folder);
  const clusterFolder = toClusterPath(stageFolder, settings.pathMap);
  const inStage = (name: string) => path.join(stageFolder, name);
  const onCluster = (name: string) => path.posix.join(clusterFolder, name);
  fs.rmSync(stageFolder, { recursive: true, force: true }); // a stage left by an earlier job in this folder
  for (const folder of [slurmStageLayout.models, slurmStageLayout.logs, slurmStageLayout.status]) {
    fs.mkdirSync(inStage(folder), { recursive: true });
  }
  await writeTrainingTensors(options.engine, plan.pool, plan.targetConfig.preprocess, inStage(slurmStageLayout.tensors), options.signal);
  fs.copyFileSync(options.recipe, inStage(slurmStageLayout.recipe));
  const jobFile = trainingJobFile(plan, summary, options.seed, settings.cpusPerTask ?? 1, {
    tensorFile: onCluster(slurmStageLayout.tensors),
    modelFile: (name) => onCluster(`${slurmStageLayout.models}/${name}.onnx`),
  });
  fs.writeFileSync(inStage(slurmStageLayout.jobFile), JSON.stringify(jobFile));
  fs.writeFileSync(
    inStage(slurmStageLayout.script),
    slurmBatchScript({ clusterFolder, trainingJobId: summary.id, preamble: settings.preamble, python: settings.python }),
    { mode: 0o755 },
  );
  return { stageFolder, clusterFolder };
}
