// Drives one run through the engine host: forwards progress with a rate and ETA, writes log lines as they arrive,
// and lands the result (scores, metrics and checks, sent once when the run is complete) or the failure in one
// transaction. A run whose engine dies is marked `interrupted` with no scores, never reported as finished; a run
// whose cancel was acknowledged, by this process or another one on the workspace, always lands as `cancelled`.
import { MiaError, toErrorPayload } from '../common/errors';
import { workspaceErrorFrom } from '../workspace/sqlite-errors';
import type { AttackTask } from '../engine/jobs/attack-task';
import type { EngineClient } from '../host/engine-client';
import { ProgressRate } from '../host/progress-rate';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { appendRunLog, finishRun, insertScores, isCancelRequested, setRunStatus } from '../workspace/runs-repo';
import { withStoredKeys } from './api-key-environment';
import type { ApiKeyStore } from './api-key-store';
import type { EventBus } from './event-bus';
import type { JobRunner } from './job-runner';

/**
 * How often the owner of a run looks for a cancel request written by another process. A read of one row by its
 * key; 250 ms keeps a cancel from another front door about as quick as a local one.
 */
const cancelPollMs = 250;

export function executeRun(
  deps: { db: WorkspaceDb; engine: EngineClient; bus: EventBus; running: JobRunner; apiKeys?: ApiKeyStore },
  runId: number,
  task: AttackTask,
): Promise<void> {
  const { db, engine, bus, running } = deps;
  const rate = new ProgressRate();
  // Log lines written while the job runs arrive inside the engine's message events; a failure there (a full disk)
  // must not escape into the event loop. The first one cancels the job and becomes the run's error.
  let storageError: unknown = null;
  const store = (write: () => void): void => {
    if (!db.open || storageError !== null) return;
    try {
      write();
    } catch (error) {
      storageError = workspaceErrorFrom(error);
      engine.cancel(jobId);
    }
  };
  const { jobId, done } = engine.run(withStoredKeys(task, deps.apiKeys), {
    onProgress: (p) => {
      const estimate = rate.update(p.phase, p.done, p.total, Date.now());
      bus.emit('runs.progress', { runId, phase: p.phase, done: p.done, total: p.total, unit: p.unit, ...estimate });
    },
    onLog: (level, message) => store(() => appendRunLog(db, runId, level, message)),
  });
  const cancelPoll = setInterval(() => {
    try {
      if (db.open && isCancelRequested(db, runId)) {
        clearInterval(cancelPoll);
        engine.cancel(jobId);
      }
    } catch {
      // The workspace is busy for a moment; the next tick looks again, and finishing checks the request anyway.
    }
  }, cancelPollMs);
  cancelPoll.unref();
  const execution = done
    // The engine client has parsed the result with its schema (engine.bad-result when it does not fit).
    .then((result) => {
      if (storageError !== null) throw storageError;
      // Scores, notes, metrics, checks and the status flip land together or not at all. IMMEDIATE takes the write
      // lock first, so finishRun's look at the cancel request and the status flip see the same committed state.
      db.transaction(() => {
        insertScores(db, runId, result.recordIds, result.scores);
        for (const note of result.notes) appendRunLog(db, runId, 'info', note);
        finishRun(db, runId, {
          metrics: result.metrics,
          checks: result.checks,
          timings: result.timings,
          modelCalls: result.modelCalls,
          executionProvider: result.executionProvider,
        });
      }).immediate();
      bus.emit('runs.status', { runId, status: 'finished', error: null });
    })
    .catch((caught: unknown) => {
      // The backend was closed under a running job (the app quit): the next open marks the run interrupted.
      if (!db.open) return;
      let error = workspaceErrorFrom(storageError ?? caught);
      let status = statusAfterFailure(error);
      try {
        db.transaction(() => {
          // Whatever ended the job, a cancel that was acknowledged decides the outcome.
          if (status !== 'cancelled' && isCancelRequested(db, runId)) {
            appendRunLog(db, runId, 'info', `The run stopped while its cancel was pending: ${toErrorPayload(error).message}`);
            error = new MiaError('job.cancelled', 'The run was cancelled before it finished.');
            status = 'cancelled';
          }
          const payload = toErrorPayload(error);
          setRunStatus(db, runId, status, payload);
          appendRunLog(db, runId, status === 'cancelled' ? 'info' : 'error', payload.message);
        }).immediate();
      } catch {
        // The workspace cannot record the failure either (still full): the run stays "running" under this
        // process and is marked interrupted when the workspace is next opened.
      }
      bus.emit('runs.status', { runId, status, error: toErrorPayload(error) });
    })
    .finally(() => clearInterval(cancelPoll));
  // A cancel from this process (run-cancel.ts) or the backend closing stops the engine job at once.
  running.track('run', runId, { stop: () => engine.cancel(jobId) }, execution);
  return execution;
}

function statusAfterFailure(error: unknown): 'cancelled' | 'interrupted' | 'failed' {
  if (error instanceof MiaError && error.code === 'job.cancelled') return 'cancelled';
  if (error instanceof MiaError && error.code === 'engine.crashed') return 'interrupted';
  return 'failed';
}
