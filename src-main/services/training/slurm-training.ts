// The training service's Slurm side: starting a job (stage, submit one array, follow it), resubmitting failed tasks
// by index, and re-attaching, when a backend opens the workspace, to arrays a closed or crashed process submitted.
import { z } from 'zod';
import { SlurmSettings, type ParsedRequestOf, type TrainingJobSummary } from '../../../src-shared/contract/contract';
import { fromJsonColumn, toJsonColumn } from '../../common/json-column';
import { MiaError, toErrorPayload } from '../../common/errors';
import type { EngineClient } from '../../host/engine-client';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { isOwnerAlive } from '../../workspace/process-identity';
import {
  claimTrainingJob,
  getSlurmSettingsJson,
  getTrainingJob,
  listSlurmJobsToAttach,
  reopenFailedTrainingJob,
  setSlurmSettingsJson,
} from '../../workspace/training-jobs-repo';
import type { JobRunner } from '../job-runner';
import { clearTaskOutputs, createSlurmTrainingJob, followSlurmJob, submitSlurmArray, type SlurmExecutionDeps } from './slurm-execution';
import { slurmStageFolder, stageSlurmJob } from './slurm-staging';
import { taskFailed } from './slurm-status';
import type { ResolvedSplitPlan } from './split-plan-files';
import { appendTrainingLog, publishTrainingJob } from './training-execution';
import { trainingCancelled } from '../../common/training-process';

export interface SlurmTrainingDeps extends SlurmExecutionDeps {
  readonly engine: EngineClient;
  readonly runner: JobRunner;
  /** The recipe file staged for the cluster. */
  readonly recipe: string;
}

/** What a Slurm job keeps beside its row: its settings, its staging folder on this machine, its set's name. */
const StoredSlurmJob = z.object({ settings: SlurmSettings, folder: z.string(), setName: z.string() });

function getSlurmSettings(db: WorkspaceDb, jobId: number): z.output<typeof StoredSlurmJob> {
  const stored = fromJsonColumn(StoredSlurmJob, getSlurmSettingsJson(db, jobId), `training job ${jobId} slurm settings`);
  if (!stored) throw new MiaError('training.not-slurm', `Training job ${jobId} was not submitted to Slurm.`);
  return stored;
}

/** The imported set's name: the request's, else one made from the target and purpose. */
export function trainedSetName(request: Pick<ParsedRequestOf<'training.start'>, 'name' | 'purpose' | 'seed'>, targetName: string): string {
  return request.name ?? `${targetName} ${request.purpose === 'shadow' ? 'shadows' : 'reference models'} (trained, seed ${request.seed})`;
}

/** Tracks a new Slurm job; staging and submission run in the background like local training. */
export function startSlurmTraining(
  deps: SlurmTrainingDeps,
  summary: TrainingJobSummary,
  plan: ResolvedSplitPlan,
  request: ParsedRequestOf<'training.start'>,
): void {
  const settings = request.slurm;
  const setName = trainedSetName(request, plan.target.name);
  const job = createSlurmTrainingJob(deps, summary, settings, slurmStageFolder(plan.summary.folder));
  const execution = (async () => {
    try {
      appendTrainingLog(job, `Staging ${plan.pool.length} preprocessed records, the recipe and the batch script for Slurm.`);
      publishTrainingJob(deps, job);
      const staged = await stageSlurmJob({
        engine: deps.engine,
        plan,
        summary,
        seed: request.seed,
        settings,
        recipe: deps.recipe,
        signal: job.signal,
      });
      if (job.ending.reason !== null) throw trainingCancelled();
      setSlurmSettingsJson(deps.db, summary.id, toJsonColumn({ settings, folder: staged.stageFolder, setName }));
      const names = plan.models.map((model) => model.name);
      await submitSlurmArray(
        deps,
        job,
        staged.clusterFolder,
        names.map((_, index) => index),
        names,
      );
    } catch (error) {
      const payload = toErrorPayload(error);
      summary.status = payload.code === 'training.cancelled' ? 'cancelled' : 'failed';
      summary.error = { code: payload.code, message: payload.message };
      appendTrainingLog(job, payload.message);
      summary.finishedAt = new Date().toISOString();
      publishTrainingJob(deps, job);
      return;
    }
    await followSlurmJob(deps, job, setName, true);
  })();
  deps.runner.track('training', summary.id, job, execution);
}

/** Claims and follows every submitted Slurm job no live process follows; returns their ids. */
export function reattachSlurmJobs(deps: SlurmTrainingDeps): number[] {
  const attached: number[] = [];
  for (const row of listSlurmJobsToAttach(deps.db)) {
    if (row.ownerPid !== null && isOwnerAlive(row.ownerPid, row.ownerStarted)) continue;
    if (!claimTrainingJob(deps.db, row.id, row)) continue;
    const summary = getTrainingJob(deps.db, row.id);
    const stored = getSlurmSettings(deps.db, row.id);
    const job = createSlurmTrainingJob(deps, summary, stored.settings, stored.folder);
    deps.runner.track('training', row.id, job, followSlurmJob(deps, job, stored.setName, false));
    appendTrainingLog(
      job,
      `Re-attached to Slurm array job${summary.slurm!.jobIds.length > 1 ? 's' : ''} ${summary.slurm!.jobIds.join(', ')}.`,
    );
    attached.push(row.id);
  }
  return attached;
}

/** Submits the given failed tasks of a failed Slurm job again, as a new array; the job runs again. */
export async function resubmitSlurmTasks(deps: SlurmTrainingDeps, jobId: number, indices: readonly number[]): Promise<TrainingJobSummary> {
  const current = getTrainingJob(deps.db, jobId);
  if (current.backend !== 'slurm' || !current.slurm) {
    throw new MiaError('training.not-slurm', `Training job ${jobId} was not submitted to Slurm, so it has no array tasks to resubmit.`);
  }
  if (current.status !== 'failed') {
    throw new MiaError(
      'training.not-failed',
      `Training job ${jobId} is ${current.status}; only a failed Slurm job's failed tasks can be resubmitted.`,
    );
  }
  const failed = new Set(current.slurm.tasks.filter(taskFailed).map((task) => task.index));
  const refused = indices.filter((index) => !failed.has(index));
  if (refused.length > 0) {
    throw new MiaError(
      'training.task-not-failed',
      `Training job ${jobId}: array task${refused.length > 1 ? 's' : ''} ${refused.join(', ')} did not fail; the failed ones are ${[...failed].join(', ')}.`,
      { indices: refused },
    );
  }
  if (!reopenFailedTrainingJob(deps.db, jobId)) {
    throw new MiaError('training.not-failed', `Training job ${jobId} changed while it was being resubmitted; look at it again.`);
  }
  const summary: TrainingJobSummary = { ...current, status: 'running', error: null, finishedAt: null };
  const stored = getSlurmSettings(deps.db, jobId);
  const unique = [...new Set(indices)].sort((a, b) => a - b);
  clearTaskOutputs(
    stored.folder,
    summary.slurm!.tasks.filter((task) => unique.includes(task.index)),
  );
  const job = createSlurmTrainingJob(deps, summary, stored.settings, stored.folder);
  try {
    await submitSlurmArray(
      deps,
      job,
      summary.slurm!.clusterFolder,
      unique,
      summary.slurm!.tasks.map((task) => task.name),
    );
  } catch (error) {
    const payload = toErrorPayload(error);
    summary.status = 'failed';
    summary.error = { code: payload.code, message: payload.message };
    summary.finishedAt = new Date().toISOString();
    publishTrainingJob(deps, job);
    throw error;
  }
  deps.runner.track('training', jobId, job, followSlurmJob(deps, job, stored.setName, true));
  return structuredClone(summary);
}
