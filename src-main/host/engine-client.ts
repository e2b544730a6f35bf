// The service side of the engine host: starts the host process on demand, sends typed tasks, parses every message
// the host sends back and routes it to the job that asked, and turns a crash of the host into a clear error for
// every job it was running.
import { MiaError } from '../common/errors';
import { describeIssues } from '../common/parse';
import { isResultOf, type EngineResult, type EngineResultOf, type EngineTask } from '../engine/jobs/engine-task';
import { HostMessage, ResultEnvelope, type HostConnection, type SpawnHost } from './protocol';
import { taskMessages } from './record-chunks';

export interface JobHandlers {
  onProgress?(progress: { phase: string; done: number; total: number; unit: string }): void;
  onLog?(level: 'info' | 'warn' | 'error', message: string): void;
}

interface PendingJob {
  handlers: JobHandlers;
  resolve(result: EngineResult): void;
  reject(error: unknown): void;
}

export interface EngineClient {
  /** Runs one task in the engine host; resolves with the result its kind answers with, or rejects with a MiaError. */
  run<Task extends EngineTask>(task: Task, handlers?: JobHandlers): { jobId: string; done: Promise<EngineResultOf<Task>> };
  cancel(jobId: string): void;
  /** The host's pid while it runs (tests kill it to prove a crash is survived). */
  hostPid(): number | undefined;
  dispose(): void;
}

export function createEngineClient(spawnHost: SpawnHost): EngineClient {
  let host: HostConnection | null = null;
  let nextJob = 1;
  const jobs = new Map<string, PendingJob>();

  function ensureHost(): HostConnection {
    if (host) return host;
    const started = spawnHost();
    host = started;
    started.onMessage((raw) => handleMessage(raw));
    started.onExit((code, signal) => {
      if (host === started) host = null;
      const reason = signal ? `was killed (${signal})` : `exited with code ${code}`;
      for (const [jobId, job] of jobs) {
        jobs.delete(jobId);
        job.reject(new MiaError('engine.crashed', `The engine process ${reason} while job ${jobId} was running.`));
      }
    });
    return started;
  }

  function handleMessage(raw: unknown): void {
    const parsed = HostMessage.safeParse(raw);
    if (!parsed.success) {
      // A malformed progress or log line cannot be shown and is dropped; a malformed result ends its job, which
      // would otherwise wait for a result that never comes.
      const envelope = ResultEnvelope.safeParse(raw);
      const job = envelope.success ? jobs.get(envelope.data.jobId) : undefined;
      if (envelope.success && job) {
        jobs.delete(envelope.data.jobId);
        job.reject(
          new MiaError(
            'engine.bad-result',
            `The engine's result for job ${envelope.data.jobId} is not valid: ${describeIssues(parsed.error.issues)}`,
          ),
        );
      }
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') return;
    const job = jobs.get(message.jobId);
    if (!job) return;
    switch (message.type) {
      case 'progress':
        job.handlers.onProgress?.(message);
        break;
      case 'log':
        job.handlers.onLog?.(message.level, message.message);
        break;
      case 'result':
        jobs.delete(message.jobId);
        job.resolve(message.result);
        break;
      case 'error':
        jobs.delete(message.jobId);
        job.reject(new MiaError(message.error.code, message.error.message, message.error.details));
        break;
    }
  }

  return {
    run<Task extends EngineTask>(task: Task, handlers: JobHandlers = {}) {
      const jobId = `job-${process.pid}-${nextJob++}`;
      const done = new Promise<EngineResultOf<Task>>((resolve, reject) => {
        jobs.set(jobId, {
          handlers,
          resolve: (result) => {
            if (isResultOf(task, result)) resolve(result);
            else
              reject(new MiaError('engine.bad-result', `The engine answered the ${task.kind} job ${jobId} with a ${result.kind} result.`));
          },
          reject,
        });
      });
      try {
        // An attack task's records follow it in chunks, so that no one message holds them all (record-chunks.ts).
        const connection = ensureHost();
        for (const message of taskMessages(jobId, task)) connection.send(message);
      } catch (error) {
        const job = jobs.get(jobId);
        jobs.delete(jobId);
        job?.reject(new MiaError('engine.unavailable', `Could not start the engine process: ${(error as Error).message}`));
      }
      return { jobId, done };
    },
    cancel(jobId) {
      if (jobs.has(jobId)) host?.send({ type: 'cancel', jobId });
    },
    hostPid() {
      return host?.pid;
    },
    dispose() {
      host?.kill();
      host = null;
    },
  };
}
