// Drives one run through the engine host: streams partial scores into the workspace as they arrive, forwards
// progress with a rate and ETA, and lands the result (or the failure) in one transaction. A run whose engine
// dies is marked `interrupted`, never reported as finished.
import { z } from 'zod';
import { MiaError, toErrorPayload } from '../common/errors';
import { workspaceErrorFrom } from '../workspace/sqlite-errors';
import { parseWith } from '../common/parse';
import { ValidityCheck } from '../engine/checks/validity-check';
import { MetricRow } from '../engine/metrics/run-metrics-schema';
import type { EngineClient } from '../host/engine-client';
import { ProgressRate } from '../host/progress-rate';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { appendRunLog, finishRun, insertScores, setRunStatus } from '../workspace/runs-repo';
import type { EventBus } from './event-bus';

export const AttackJobResult = z.object({
  recordIds: z.instanceof(Int32Array),
  scores: z.instanceof(Float64Array),
  modelCalls: z.number().int().nonnegative(),
  notes: z.array(z.string()),
  metrics: z.array(MetricRow),
  checks: z.array(ValidityCheck),
  timings: z.record(z.string(), z.number()),
});
export type AttackJobResult = z.infer<typeof AttackJobResult>;

export interface RunningJobs {
  readonly byRun: Map<number, string>;
}

export function executeRun(
  deps: { db: WorkspaceDb; engine: EngineClient; bus: EventBus; running: RunningJobs },
  runId: number,
  task: unknown,
): Promise<void> {
  const { db, engine, bus, running } = deps;
  const rate = new ProgressRate();
  // Writes that happen while the job runs (partial scores, log lines) arrive inside the engine's message events;
  // a failure there (a full disk) must not escape into the event loop. The first one cancels the job and becomes
  // the run's error.
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
  const { jobId, done } = engine.run(task, {
    onProgress: (p) => {
      const estimate = rate.update(p.phase, p.done, p.total, Date.now());
      bus.emit('runs.progress', { runId, phase: p.phase, done: p.done, total: p.total, unit: p.unit, ...estimate });
    },
    onLog: (level, message) => store(() => appendRunLog(db, runId, level, message)),
    onPartial: (recordIds, scores) => store(() => insertScores(db, runId, recordIds, scores)),
  });
  running.byRun.set(runId, jobId);
  return done
    .then((raw) => {
      if (storageError !== null) throw storageError;
      const result = parseWith(AttackJobResult, raw, `Result of run ${runId}`, 'engine.bad-result');
      // Scores, notes, metrics, checks and the status flip land together or not at all.
      db.transaction(() => {
        insertScores(db, runId, result.recordIds, result.scores);
        for (const note of result.notes) appendRunLog(db, runId, 'info', note);
        finishRun(db, runId, { metrics: result.metrics, checks: result.checks, timings: result.timings, modelCalls: result.modelCalls });
      })();
      bus.emit('runs.status', { runId, status: 'finished', error: null });
    })
    .catch((caught: unknown) => {
      // The backend was closed under a running job (the app quit): the next open marks the run interrupted.
      if (!db.open) return;
      const error = workspaceErrorFrom(storageError ?? caught);
      const payload = toErrorPayload(error);
      const status = statusAfterFailure(error);
      try {
        db.transaction(() => {
          setRunStatus(db, runId, status, payload);
          appendRunLog(db, runId, status === 'cancelled' ? 'info' : 'error', payload.message);
        })();
      } catch {
        // The workspace cannot record the failure either (still full): the run stays "running" under this
        // process and is marked interrupted when the workspace is next opened.
      }
      bus.emit('runs.status', { runId, status, error: payload });
    })
    .finally(() => running.byRun.delete(runId));
}

function statusAfterFailure(error: unknown): 'cancelled' | 'interrupted' | 'failed' {
  if (error instanceof MiaError && error.code === 'job.cancelled') return 'cancelled';
  if (error instanceof MiaError && error.code === 'engine.crashed') return 'interrupted';
  return 'failed';
}
