// The training bridge: plans shadow or reference models and starts training jobs (training-execution.ts runs each
// one to its end). Each job is a workspace row, updated whenever it changes, and a live job of the backend's job
// runner while this process runs it; cancel stops it through the runner. A job whose process dies is marked
// interrupted when the workspace is next opened, except a job submitted to Slurm: that one runs on the cluster, and
// the service re-attaches to it when it is created (slurm-training.ts).
import os from 'node:os';
import path from 'node:path';
import type { PythonProbe, SplitPlanSummary, TrainingJobSummary, ParsedRequestOf } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';
import { resourcePath } from '../../common/package-root';
import type { EngineClient } from '../../host/engine-client';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { getTrainingJob, insertTrainingJob, listTrainingJobs } from '../../workspace/training-jobs-repo';
import type { EventBus } from '../event-bus';
import type { JobRunner } from '../job-runner';
import type { PythonSetting } from './python-setting';
import { writeSplitPlan } from './split-plan-files';
import { targetTrainingHints } from './target-training-hints';
import type { SlurmTrainingJob } from './slurm-execution';
import { reattachSlurmJobs, resubmitSlurmTasks, startSlurmTraining } from './slurm-training';
import { createTrainingJob, executeTrainingJob, publishTrainingJob, trainingArchitecture } from './training-execution';

export interface TrainingServiceOptions {
  readonly db: WorkspaceDb;
  readonly bus: EventBus;
  /** Preprocesses the training records (the engine host's prepare-training-data task). */
  readonly engine: EngineClient;
  /** The backend's job runner: it tracks, stops and waits for training jobs as it does for runs. */
  readonly runner: JobRunner;
  /** Which Python trains the models. */
  readonly python: PythonSetting;
  /** The recipe script; defaults to the one shipped in resources/training. */
  readonly script?: string;
  /** Torch threads; MIA_TRAINING_THREADS, else the machine's cores up to 4. */
  readonly threads?: number;
}

export interface TrainingService {
  python(): Promise<PythonProbe>;
  /** `folder` is absolute and already decided: by the front door for the page (see training-folder.ts), or typed at the CLI. */
  plan(request: ParsedRequestOf<'training.plan'>, folder: string): SplitPlanSummary;
  start(request: ParsedRequestOf<'training.start'>, folder: string): Promise<TrainingJobSummary>;
  list(): TrainingJobSummary[];
  cancel(jobId: number): TrainingJobSummary;
  /** Resubmits failed array tasks of a failed Slurm job, by index. */
  resubmit(jobId: number, indices: readonly number[]): Promise<TrainingJobSummary>;
  /** Resolves when every started training job has landed. */
  idle(): Promise<void>;
}

/** The stated default recipe. */
const recipeDefaults = { epochs: 30, learningRate: 1e-3, batchSize: 32, weightDecay: 0 } as const;

function defaultThreads(): number {
  const fromEnv = Number(process.env.MIA_TRAINING_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

export function createTrainingService(options: TrainingServiceOptions): TrainingService {
  const { db, bus, engine, runner } = options;
  const execution = {
    db,
    bus,
    engine,
    script: options.script ?? resourcePath('training', 'train_classifier.py'),
    threads: options.threads ?? defaultThreads(),
  };
  const slurmDeps = { db, bus, engine, runner, recipe: execution.script };
  reattachSlurmJobs(slurmDeps);

  const python = () => options.python.find();
  /** A running job owns its folder: another plan there would rewrite the manifest it is about to import. */
  const assertFolderFree = (folder: string) => {
    // From the workspace, so a job another front door runs on the same workspace counts too.
    const busy = listTrainingJobs(db).find((job) => job.status === 'running' && path.resolve(job.folder) === path.resolve(folder));
    if (busy)
      throw new MiaError(
        'training.folder-busy',
        `Training job ${busy.id} is writing into ${folder}; wait for it or cancel it, or pick another folder.`,
        { folder },
      );
  };

  return {
    python,
    plan(request, folder) {
      assertFolderFree(folder);
      return writeSplitPlan(db, { ...request, folder }).summary;
    },
    async start(request, folder) {
      assertFolderFree(folder);
      // A Slurm job's Python is the cluster's (settings.python), never probed here.
      const probe = request.backend === 'slurm' ? null : await python();
      if (probe && (!probe.found || !probe.path)) {
        const tried = probe.tried.map((t) => `${t.path}: ${t.problem}`).join('; ');
        throw new MiaError(
          'training.no-python',
          `No Python with PyTorch was found, so the workbench cannot train models here (${tried}). Choose one in the app's Settings, start the headless host with --python PATH or set MIA_PYTHON; or write a plan and train in your own pipeline.`,
        );
      }
      assertFolderFree(folder); // again: the probe took seconds, and another start may have come in
      const plan = writeSplitPlan(db, { ...request, folder });
      const hints = targetTrainingHints(plan.target);
      const recipe = {
        architecture: trainingArchitecture.name,
        epochs: request.recipe.epochs ?? hints.epochs ?? recipeDefaults.epochs,
        learningRate: request.recipe.learningRate ?? hints.lr ?? recipeDefaults.learningRate,
        batchSize: request.recipe.batchSize ?? hints.batch ?? recipeDefaults.batchSize,
        weightDecay: request.recipe.weightDecay ?? hints.weight_decay ?? recipeDefaults.weightDecay,
      };
      const fields: Omit<TrainingJobSummary, 'id'> = {
        purpose: request.purpose,
        status: 'running',
        datasetId: request.datasetId,
        targetModelId: request.targetModelId,
        folder: plan.summary.folder,
        modelCount: plan.models.length,
        modelsDone: 0,
        modelSetId: null,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        recipe,
        results: [],
        log: [
          ...plan.summary.notes,
          `Architecture: ${trainingArchitecture.name} (the stated default; an ONNX target's own architecture cannot be read back into PyTorch).`,
        ],
        error: null,
        backend: request.backend,
        slurm: null,
      };
      const summary = { id: insertTrainingJob(db, fields), ...fields };
      if (!probe) {
        startSlurmTraining(slurmDeps, summary, plan, request);
        return structuredClone(summary);
      }
      const job = createTrainingJob(summary);
      runner.track('training', job.summary.id, job, executeTrainingJob(execution, job, plan, request, probe.path!));
      publishTrainingJob(execution, job);
      return structuredClone(job.summary);
    },
    // The live summary of a running job may hold log lines newer than its row.
    list: () => listTrainingJobs(db).map((stored) => structuredClone(runner.find('training', stored.id)?.summary ?? stored)),
    cancel(jobId) {
      const job = runner.find('training', jobId);
      if (!job || job.summary.status !== 'running') {
        const stored = getTrainingJob(db, jobId);
        throw stored.status === 'running'
          ? new MiaError('training.not-running', `Training job ${jobId} is run by another process on this workspace; cancel it there.`)
          : new MiaError('training.not-running', `Training job ${jobId} is ${stored.status}, so there is nothing to cancel.`);
      }
      // stop() detaches a Slurm job (as when the backend closes); a cancel must scancel its arrays.
      if (job.summary.backend === 'slurm') (job as SlurmTrainingJob).cancel();
      else runner.stop('training', jobId);
      return structuredClone(job.summary);
    },
    resubmit: (jobId, indices) => resubmitSlurmTasks(slurmDeps, jobId, indices),
    idle: () => runner.idle('training'),
  };
}
