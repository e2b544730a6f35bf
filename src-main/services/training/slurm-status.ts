// Each array task's state, from three sources in order of trust: squeue (while the task is queued or running, and for
// a while after it ends), the exit file the batch script writes whatever ends the task, and sacct (a cluster with an
// accounting database; without one, as on the test cluster, sacct knows nothing and the exit file decides).
import fs from 'node:fs';
import path from 'node:path';
import { slurmTaskEnded, slurmTaskFailed, type SlurmTaskState } from '../../../src-shared/domain/training';
import { taskExitName } from './slurm-batch-script';

// Which states count as ended or failed is the domain's, so the page lists the same failed tasks the service resubmits.
export const taskEnded = slurmTaskEnded;
export const taskFailed = slurmTaskFailed;

/** `JOBID_INDEX` → state, from `squeue --array --format=%i|%T` (lines like `123_4|RUNNING`). */
export function parseSqueue(stdout: string): Map<string, string> {
  const states = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const match = /^(\d+_\d+)\|([A-Z_]+)/.exec(line.trim());
    if (match) states.set(match[1]!, match[2]!);
  }
  return states;
}

/** `JOBID_INDEX` → state and exit status, from `sacct --parsable2 --format=JobID,State,ExitCode`. */
export function parseSacct(stdout: string): Map<string, { state: string; exitCode: number | null }> {
  const states = new Map<string, { state: string; exitCode: number | null }>();
  for (const line of stdout.split('\n')) {
    const [id, state, exit] = line.trim().split('|');
    if (!id || !state || !/^\d+_\d+$/.test(id)) continue;
    // "CANCELLED by 0" → CANCELLED; exit "2:0" → 2.
    const code = exit ? Number(exit.split(':')[0]) : NaN;
    states.set(id, { state: state.split(' ')[0]!, exitCode: Number.isInteger(code) ? code : null });
  }
  return states;
}

/** The status and array job id a task's exit file holds, if the task has ended and the file is there. */
export function readExitFile(stageFolder: string, index: number): { code: number; jobId: string } | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(stageFolder, taskExitName(index)), 'utf8');
  } catch {
    return null;
  }
  const match = /^(\d+)\s+(\d*)/.exec(text.trim());
  return match ? { code: Number(match[1]), jobId: match[2]! } : null;
}

export interface TaskSources {
  readonly squeue: ReadonlyMap<string, string>;
  readonly sacct: ReadonlyMap<string, { state: string; exitCode: number | null }>;
  readonly exitFile: (index: number) => { code: number; jobId: string } | null;
}

/** The task's state now; an ended task keeps its state (a resubmission gives it a new job id and PENDING first). */
export function nextTaskState(task: SlurmTaskState, sources: TaskSources): Pick<SlurmTaskState, 'state' | 'exitCode'> {
  if (taskEnded(task)) return { state: task.state, exitCode: task.exitCode };
  const key = `${task.jobId}_${task.index}`;
  const queued = sources.squeue.get(key);
  const exit = sources.exitFile(task.index);
  const ownExit = exit && (exit.jobId === '' || exit.jobId === task.jobId) ? exit : null;
  if (queued && !taskEnded({ state: queued })) return { state: queued, exitCode: null };
  if (queued)
    return { state: queued === 'COMPLETED' && ownExit && ownExit.code !== 0 ? 'FAILED' : queued, exitCode: ownExit?.code ?? null };
  if (ownExit) return { state: ownExit.code === 0 ? 'COMPLETED' : 'FAILED', exitCode: ownExit.code };
  const accounted = sources.sacct.get(key);
  if (accounted) return accounted;
  // Neither the queue, the accounting nor the task knows it: it ended without running its exit trap (a node lost,
  // a kill -9), or its record aged out of squeue before its exit file reached this side of the shared folder.
  return { state: 'UNKNOWN', exitCode: null };
}
