// Streams each array task's log file (stdout and stderr of the recipe, in the staging folder) into the training job:
// the recipe's JSON events become progress events and one line per trained model, anything else a log line tagged
// with its task. Reads only what was appended since the last look; a resubmitted task starts a new log.
import fs from 'node:fs';
import path from 'node:path';
import type { SlurmTaskState } from '../../../src-shared/domain/training';
import type { EventBus } from '../event-bus';
import { taskLogName } from './slurm-batch-script';
import { appendTrainingLog, type TrainingJob } from './training-execution';
import { ScriptEvent } from '../../common/training-process';

export interface TaskLogReader {
  /** Reads what each task appended; true when a line reached the job's log. */
  readNew(tasks: readonly SlurmTaskState[]): boolean;
}

interface Cursor {
  jobId: string;
  offset: number;
  pending: string;
}

/** Bytes read from one log per look, so a task that floods its log cannot stall the service. */
const maxBytesPerLook = 1024 * 1024;

export function createTaskLogReader(job: TrainingJob & { readonly stageFolder: string }, bus: EventBus, fromStart: boolean): TaskLogReader {
  const cursors = new Map<number, Cursor>();
  const sizeOf = (file: string) => fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0;

  const handleLine = (task: SlurmTaskState, line: string): void => {
    let event: ScriptEvent | null = null;
    try {
      const parsed = ScriptEvent.safeParse(JSON.parse(line));
      if (parsed.success) event = parsed.data;
    } catch {
      // not an event: a warning, a traceback, the preamble's output
    }
    if (event === null) appendTrainingLog(job, `[task ${task.index}] ${line}`);
    else if (event.event === 'epoch') {
      bus.emit('training.progress', {
        jobId: job.summary.id,
        model: task.index,
        modelCount: job.summary.modelCount,
        epoch: event.epoch,
        epochs: event.epochs,
        loss: event.loss,
      });
    } else if (event.event === 'model') {
      appendTrainingLog(
        job,
        `${event.name}: trained in ${event.seconds.toFixed(1)} s on the cluster; accuracy ${event.trainAccuracy.toFixed(3)} on its training records, ${event.heldOutAccuracy?.toFixed(3) ?? 'n/a'} held out.`,
      );
    }
  };

  return {
    readNew(tasks) {
      let logged = false;
      for (const task of tasks) {
        const file = path.join(job.stageFolder, taskLogName(task.index));
        let cursor = cursors.get(task.index);
        if (!cursor || cursor.jobId !== task.jobId) {
          // A new submission truncates the task's log; when re-attaching, what is already there was logged before.
          cursor = { jobId: task.jobId, offset: fromStart || cursor ? 0 : sizeOf(file), pending: '' };
          cursors.set(task.index, cursor);
        }
        const size = sizeOf(file);
        if (size < cursor.offset) cursor.offset = 0;
        if (size === cursor.offset) continue;
        const length = Math.min(size - cursor.offset, maxBytesPerLook);
        const buffer = Buffer.alloc(length);
        const handle = fs.openSync(file, 'r');
        try {
          fs.readSync(handle, buffer, 0, length, cursor.offset);
        } finally {
          fs.closeSync(handle);
        }
        cursor.offset += length;
        cursor.pending += buffer.toString('utf8');
        const lines = cursor.pending.split('\n');
        cursor.pending = lines.pop()!;
        for (const line of lines.map((l) => l.trimEnd()).filter((l) => l.length > 0)) {
          handleLine(task, line);
          logged = true;
        }
      }
      return logged;
    },
  };
}
