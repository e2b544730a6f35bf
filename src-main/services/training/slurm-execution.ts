// Runs a Slurm training job from this process: submits planned models as one array (or failed ones again, by index),
// follows every task through squeue, exit files and sacct, streams each task's log into the job's log, and once every
// task has ended imports the set (all completed) or lists the failed tasks with their log tails. Closing the backend
// detaches: the array runs on, and the next backend on the workspace re-attaches (slurm-reattach.ts). A cancel runs
// scancel. Every outcome is settled into the job's summary and row; the execution itself never rejects.
import fs from 'node:fs';
import path from 'node:path';
import type { SlurmTaskState } from '../../../src-shared/domain/training';
import { MiaError, toErrorPayload } from '../../common/errors';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { releaseSlurmTrainingJob } from '../../workspace/training-jobs-repo';
import type { EventBus } from '../event-bus';
import { slurmStageLayout, taskExitName, taskLogName } from './slurm-batch-script';
import {
  onSubmitHost,
  parseSbatchJobId,
  runCommand,
  sacctArgv,
  sbatchArgv,
  scancelArgv,
  squeueArgv,
  type ParsedSlurmSettings,
} from './slurm-commands';
import { importSlurmModels } from './slurm-import';
import { createTaskLogReader, type TaskLogReader } from './slurm-task-logs';
import { nextTaskState, parseSacct, parseSqueue, readExitFile, taskEnded, taskFailed } from './slurm-status';
import { appendTrainingLog, publishTrainingJob, type TrainingJob } from './training-execution';
import { trainingCancelled } from '../../common/training-process';

export interface SlurmExecutionDeps {
  readonly db: WorkspaceDb;
  readonly bus: EventBus;
}

/** A Slurm training job this process follows. stop() (the backend closing) detaches; cancel() runs scancel. */
export type SlurmTrainingJob = TrainingJob & {
  cancel(): void;
  readonly settings: ParsedSlurmSettings;
  readonly stageFolder: string;
  /** Set once the loop is told to stop following: why. */
  readonly ending: { reason: 'detach' | 'cancel' | null };
};

export function createSlurmTrainingJob(
  deps: SlurmExecutionDeps,
  summary: SlurmTrainingJob['summary'],
  settings: ParsedSlurmSettings,
  stageFolder: string,
): SlurmTrainingJob {
  const controller = new AbortController();
  const ending: SlurmTrainingJob['ending'] = { reason: null };
  return {
    summary,
    settings,
    stageFolder,
    ending,
    signal: controller.signal,
    stop() {
      if (ending.reason !== null) return;
      ending.reason = 'detach';
      // Synchronously, before the backend closes the workspace: the next backend may claim the job at once.
      if (summary.slurm) {
        try {
          releaseSlurmTrainingJob(deps.db, summary.id);
        } catch {
          // the workspace is closing; the owner check (a dead process) lets the next backend claim it anyway
        }
      }
      controller.abort();
    },
    cancel() {
      if (ending.reason !== null) return;
      ending.reason = 'cancel';
      controller.abort();
    },
  };
}

const logTailLines = 20;

/** Runs a Slurm command where the job was submitted from; a non-zero exit is an error naming the command. */
async function slurm(job: SlurmTrainingJob, argv: string[], allowFailure = false) {
  const result = await runCommand(onSubmitHost(job.summary.slurm?.submitHost ?? job.settings.submitHost ?? null, argv));
  if (result.code !== 0 && !allowFailure) {
    throw new MiaError(
      'training.slurm-command-failed',
      `${argv[0]} failed (exit status ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`,
      { command: argv[0] },
    );
  }
  return result;
}

/**
 * Submits `indices` of the plan as one array; the tasks start PENDING under the new array job id. `names[index]` is
 * the planned model's name.
 */
export async function submitSlurmArray(
  deps: SlurmExecutionDeps,
  job: SlurmTrainingJob,
  clusterFolder: string,
  indices: readonly number[],
  names: readonly string[],
): Promise<void> {
  const { summary } = job;
  const array =
    indices.length === summary.modelCount && indices.every((index, i) => index === i) ? `0-${indices.length - 1}` : indices.join(',');
  const argv = sbatchArgv({
    settings: job.settings,
    array,
    jobName: `mia-${summary.purpose}-${summary.id}`,
    script: path.posix.join(clusterFolder, slurmStageLayout.script),
    logPattern: path.posix.join(clusterFolder, taskLogName('%a')),
    workDir: clusterFolder,
  });
  let jobId: string;
  try {
    jobId = parseSbatchJobId((await slurm(job, argv)).stdout);
  } catch (error) {
    const payload = toErrorPayload(error);
    throw new MiaError('training.slurm-submit-failed', `Submitting to Slurm failed: ${payload.message}`);
  }
  const state = summary.slurm ?? { jobIds: [], clusterFolder, submitHost: job.settings.submitHost ?? null, tasks: [] };
  state.jobIds.push(jobId);
  for (const index of indices) {
    const task: SlurmTaskState = { index, name: names[index]!, jobId, state: 'PENDING', exitCode: null, logTail: [] };
    const at = state.tasks.findIndex((t) => t.index === index);
    if (at >= 0) state.tasks[at] = task;
    else state.tasks.push(task);
  }
  state.tasks.sort((a, b) => a.index - b.index);
  summary.slurm = state;
  appendTrainingLog(
    job,
    `Submitted to Slurm as array job ${jobId} (tasks ${array}${job.settings.arrayLimit ? `, at most ${job.settings.arrayLimit} at once` : ''}).`,
  );
  publishTrainingJob(deps, job);
}

/** Removes what an earlier run of these tasks left (exit files, exports), so a resubmission is judged on its own. */
export function clearTaskOutputs(stageFolder: string, tasks: readonly SlurmTaskState[]): void {
  for (const task of tasks) {
    fs.rmSync(path.join(stageFolder, taskExitName(task.index)), { force: true });
    const onnx = path.join(stageFolder, slurmStageLayout.models, `${task.name}.onnx`);
    fs.rmSync(onnx, { force: true });
    fs.rmSync(`${onnx}.result.json`, { force: true });
  }
}

/** squeue (and sacct) once for every array with a task still going; null when squeue could not be asked this time. */
async function lookAtQueue(job: SlurmTrainingJob) {
  const state = job.summary.slurm!;
  const live = [...new Set(state.tasks.filter((t) => !taskEnded(t)).map((t) => t.jobId))];
  if (live.length === 0) return { squeue: new Map<string, string>(), sacct: new Map() };
  const queue = await slurm(job, squeueArgv(live), true);
  // An array slurmctld has already forgotten is not an error: its tasks' exit files tell what became of them.
  if (queue.code !== 0 && !/invalid job id/i.test(queue.stderr)) {
    appendTrainingLog(job, `squeue failed (exit status ${queue.code}): ${queue.stderr.trim()}; trying again.`);
    return null;
  }
  const squeue = parseSqueue(queue.stdout);
  const unknown = state.tasks.some((t) => !taskEnded(t) && !squeue.has(`${t.jobId}_${t.index}`));
  // sacct only for tasks the queue no longer lists; without an accounting database it prints nothing useful.
  const sacct = unknown ? parseSacct((await slurm(job, sacctArgv(live), true)).stdout) : new Map();
  return { squeue, sacct };
}

function tailOf(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-logTailLines);
  } catch {
    return ['(no log was written)'];
  }
}

/** One look at every task: new log lines, new states. True when something changed. */
async function pollOnce(deps: SlurmExecutionDeps, job: SlurmTrainingJob, logs: TaskLogReader): Promise<boolean> {
  const state = job.summary.slurm!;
  const sources = await lookAtQueue(job);
  let changed = logs.readNew(state.tasks);
  if (sources === null) return changed;
  for (const task of state.tasks) {
    const next = nextTaskState(task, { ...sources, exitFile: (index) => readExitFile(job.stageFolder, index) });
    if (next.state === task.state && next.exitCode === task.exitCode) continue;
    task.state = next.state;
    task.exitCode = next.exitCode;
    changed = true;
    if (taskFailed(task)) {
      task.logTail = tailOf(path.join(job.stageFolder, taskLogName(task.index)));
      appendTrainingLog(
        job,
        `Array task ${task.index} (${task.name}) ended ${task.state}${task.exitCode === null ? '' : ` with exit status ${task.exitCode}`}.`,
      );
    }
  }
  if (changed) logs.readNew(state.tasks); // lines the task wrote just before it ended
  job.summary.modelsDone = state.tasks.filter((t) => t.state === 'COMPLETED').length;
  return changed;
}

function sleep(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, seconds * 1000);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Follows the submitted array until every task has ended (then imports, or fails listing the failed tasks), the job
 * is cancelled (scancel), or this process detaches. `fromLogStart`: false when re-attaching, so log lines already
 * in the job's log are not repeated.
 */
export async function followSlurmJob(
  deps: SlurmExecutionDeps,
  job: SlurmTrainingJob,
  setName: string,
  fromLogStart: boolean,
): Promise<void> {
  const { summary } = job;
  const logs = createTaskLogReader(job, deps.bus, fromLogStart);
  try {
    for (;;) {
      if (job.ending.reason === 'detach') return;
      if (job.ending.reason === 'cancel') throw trainingCancelled();
      if (await pollOnce(deps, job, logs)) {
        if (job.ending.reason === 'detach') return;
        publishTrainingJob(deps, job);
      }
      const tasks = summary.slurm!.tasks;
      if (tasks.every(taskEnded)) break;
      await sleep(job.settings.pollSeconds, job.signal);
    }
    const failed = summary.slurm!.tasks.filter(taskFailed);
    if (failed.length > 0) {
      throw new MiaError(
        'training.slurm-tasks-failed',
        `${failed.length} of ${summary.modelCount} array tasks failed (${failed.map((t) => `${t.index}: ${t.state}`).join(', ')}); their log tails are listed with the job. Resubmit those indices, or cancel the job.`,
        { indices: failed.map((t) => t.index) },
      );
    }
    let imported: Awaited<ReturnType<typeof importSlurmModels>>;
    try {
      imported = await importSlurmModels(deps.db, summary, job.stageFolder, setName);
    } catch (error) {
      markBadExport(job, error);
      throw error;
    }
    summary.modelSetId = imported.setId;
    summary.status = 'finished';
    appendTrainingLog(job, `Verified and imported ${imported.count} models as set "${setName}".`);
    fs.rmSync(job.stageFolder, { recursive: true, force: true });
  } catch (error) {
    const payload = toErrorPayload(error);
    if (payload.code === 'training.cancelled') await cancelArrays(job);
    summary.status = payload.code === 'training.cancelled' ? 'cancelled' : 'failed';
    summary.error = { code: payload.code, message: payload.message };
    appendTrainingLog(job, payload.message);
  }
  summary.finishedAt = new Date().toISOString();
  publishTrainingJob(deps, job);
}

/** A task whose export is missing or fails its hash counts as failed, so it can be resubmitted by its index. */
function markBadExport(job: SlurmTrainingJob, error: unknown): void {
  const index = error instanceof MiaError ? (error.details as { index?: unknown } | undefined)?.index : undefined;
  const task = job.summary.slurm!.tasks.find((t) => t.index === index);
  if (!task) return;
  task.state = 'FAILED';
  task.logTail = [(error as MiaError).message];
}

/** scancel every array of the job; the tasks' own ends are not waited for. */
export async function cancelArrays(job: SlurmTrainingJob): Promise<void> {
  const jobIds = job.summary.slurm?.jobIds ?? [];
  if (jobIds.length === 0) return;
  try {
    await slurm(job, scancelArgv(jobIds));
    appendTrainingLog(job, `Cancelled Slurm array job${jobIds.length > 1 ? 's' : ''} ${jobIds.join(', ')} (scancel).`);
  } catch (error) {
    appendTrainingLog(job, `scancel ${jobIds.join(' ')} failed: ${toErrorPayload(error).message}`);
  }
  for (const task of job.summary.slurm!.tasks) if (!taskEnded(task)) task.state = 'CANCELLED';
}
