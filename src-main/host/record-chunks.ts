// How an attack task's records cross the job protocol: in chunks after the task, never inside it. A million-record
// task serialised as one message (≈ 223 MiB) existed at once beside the objects made from it in the engine host,
// which was most of the host's peak; chunks keep each message small on both sides. The service splits the task
// here (taskMessages) and the host puts it back together here (createRecordAssembler), refusing with engine.bad-task
// anything that does not add up.
import { MiaError } from '../common/errors';
import type { RunRecord } from '../engine/attacks/run-record';
import type { AttackTask } from '../engine/jobs/attack-task';
import type { EngineTask } from '../engine/jobs/engine-task';
import type { ParentMessage } from './protocol';

/** About 11 MiB serialised with the demo's records: small beside the records themselves, few enough messages. */
export const recordsPerChunk = 50_000;

/**
 * The messages that start one job: a task as it is, or an attack task announced with its record count and empty
 * records, followed by its records in chunks (at least one, the last marked, so that an empty run starts too).
 */
export function* taskMessages(jobId: string, task: EngineTask, chunkSize: number = recordsPerChunk): Generator<ParentMessage> {
  if (task.kind !== 'attack') {
    yield { type: 'start', jobId, task };
    return;
  }
  const { records } = task;
  yield { type: 'start', jobId, task: { ...task, records: [] }, recordCount: records.length };
  for (let from = 0; from === 0 || from < records.length; from += chunkSize) {
    yield { type: 'records', jobId, records: records.slice(from, from + chunkSize), last: from + chunkSize >= records.length };
  }
}

interface PendingTask {
  task: AttackTask;
  expected: number;
  records: RunRecord[];
}

export interface RecordAssembler {
  /** Holds an attack task whose records will follow; throws engine.bad-task for anything else. */
  announce(jobId: string, task: EngineTask, recordCount: number): void;
  /** Adds one checked chunk; returns the complete task after the last one, or throws engine.bad-task (the job is then dropped). */
  add(jobId: string, records: RunRecord[], last: boolean): AttackTask | undefined;
  /** Forgets a job still waiting for records (cancelled, or refused); whether there was one. */
  drop(jobId: string): boolean;
}

export function createRecordAssembler(): RecordAssembler {
  const pending = new Map<string, PendingTask>();

  function refuse(jobId: string, message: string): never {
    pending.delete(jobId);
    throw new MiaError('engine.bad-task', message);
  }

  return {
    announce(jobId, task, recordCount) {
      if (pending.has(jobId)) refuse(jobId, `Job ${jobId} was announced twice; a job's task is sent once.`);
      if (task.kind !== 'attack') {
        throw new MiaError(
          'engine.bad-task',
          `Job ${jobId}: recordCount was given for a ${task.kind} task; only attack tasks send their records in chunks.`,
        );
      }
      if (task.records.length > 0) {
        throw new MiaError(
          'engine.bad-task',
          `Job ${jobId}: task.records must be empty when recordCount is given (the ${recordCount} records follow in chunks), but it holds ${task.records.length}.`,
        );
      }
      pending.set(jobId, { task, expected: recordCount, records: [] });
    },
    add(jobId, records, last) {
      const job = pending.get(jobId);
      if (!job)
        return refuse(
          jobId,
          `Records arrived for job ${jobId}, which has no task waiting for them (a start with recordCount comes first).`,
        );
      if (job.records.length + records.length > job.expected) {
        refuse(
          jobId,
          `Job ${jobId} announced ${job.expected} records, but its chunks bring at least ${job.records.length + records.length}.`,
        );
      }
      // One record at a time: spreading 50,000 arguments into push() can pass the call stack's limit.
      for (const record of records) job.records.push(record);
      if (!last) return undefined;
      if (job.records.length !== job.expected) {
        refuse(
          jobId,
          `Job ${jobId} was started after ${job.records.length} of the ${job.expected} records it announced; the last chunk came early.`,
        );
      }
      pending.delete(jobId);
      return { ...job.task, records: job.records };
    },
    drop(jobId) {
      return pending.delete(jobId);
    },
  };
}
