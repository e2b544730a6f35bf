// The service side of the engine host: starts the host process on demand, sends jobs, routes its messages
// back to the job that asked, and turns a crash of the host into a clear error for every job it was running.
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import { HostMessage, type HostConnection, type SpawnHost } from './protocol';

export interface JobHandlers {
  onProgress?(progress: { phase: string; done: number; total: number; unit: string }): void;
  onLog?(level: 'info' | 'warn' | 'error', message: string): void;
  onPartial?(recordIds: Int32Array, scores: Float64Array): void;
}

interface PendingJob {
  handlers: JobHandlers;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

export interface EngineClient {
  /** Runs one task in the engine host; resolves with its result or rejects with a MiaError. */
  run(task: unknown, handlers?: JobHandlers): { jobId: string; done: Promise<unknown> };
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
    let message: HostMessage;
    try {
      message = parseWith(HostMessage, raw, 'Message from the engine host', 'engine.bad-message');
    } catch {
      return; // A malformed message cannot be routed to a job; the job still ends by result, error or exit.
    }
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
      case 'partial':
        job.handlers.onPartial?.(message.recordIds, message.scores);
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
    run(task, handlers = {}) {
      const jobId = `job-${process.pid}-${nextJob++}`;
      const done = new Promise<unknown>((resolve, reject) => {
        jobs.set(jobId, { handlers, resolve, reject });
      });
      try {
        ensureHost().send({ type: 'start', jobId, task });
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
