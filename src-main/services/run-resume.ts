// Resuming or discarding an interrupted run. Resume re-runs the run's stored configuration (same attack, parameters,
// seed, models and records) under the same run id, after checking that the inputs still hash to what the run was
// pinned to; anything the interrupted attempt left in the workspace is dropped first, so nothing partial is ever
// reported (scores arrive only with a finished result, so normally there is nothing; workspaces from builds that
// streamed partial scores may still hold some).
// Attacks are deterministic given their configuration and seed, so a resumed run scores exactly like an
// uninterrupted one.
import type { RunSummary } from '../../src-shared/contract/contract';
import { engineVersion } from '../common/engine-version';
import { MiaError } from '../common/errors';
import type { EngineClient } from '../host/engine-client';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { claimInterruptedRun, clearUnfinishedResults, deleteInterruptedRun, listRerunsOf } from '../workspace/interrupted-runs';
import { appendRunLog, getRun, getRunConfig, getRunProvenance } from '../workspace/runs-repo';
import type { EventBus } from './event-bus';
import { executeRun } from './run-execution';
import type { JobRunner } from './job-runner';
import { attackTaskOf, resolveRunInputs } from './resolve-run-inputs';
import { assertSamePreprocess } from './run-preprocess-pin';
import type { ApiKeyStore } from './api-key-store';
import { startRequestOfRun } from './ui-queries-rerun';

export interface ResumeDeps {
  readonly db: WorkspaceDb;
  readonly engine: EngineClient;
  readonly bus: EventBus;
  readonly running: JobRunner;
  /** The app's key store: a remote model's apiKeyEnv is read from it first. */
  readonly apiKeys?: ApiKeyStore;
  /** The front door's --python, for an attack that trains while it runs (run-training-bridge.ts). */
  readonly pythonOption?: string | undefined;
}

/**
 * Starts an interrupted run again under its own id. Resolves once the run is `running` again; `execution` settles
 * when it lands (finished, failed, cancelled or interrupted once more), like a freshly started run.
 */
export async function resumeRun(deps: ResumeDeps, runId: number): Promise<{ summary: RunSummary; execution: Promise<void> }> {
  const { db } = deps;
  const stored = getRunProvenance(db, runId);
  assertInterrupted(runId, stored.status, 'resumed');
  if (stored.engineVersion !== engineVersion) {
    throw new MiaError(
      'run.engine-changed',
      `Run ${runId} was started by engine ${stored.engineVersion}, and this is engine ${engineVersion}; its scores could differ, so it cannot be resumed. Discard it and start a new run.`,
      { runId, was: stored.engineVersion, now: engineVersion },
    );
  }
  // The same resolver as a new run, held to the pins the run was started with.
  const inputs = await resolveRunInputs(
    db,
    startRequestOfRun(db, runId),
    { runId, modelHash: stored.modelHash, dataHash: stored.dataHash },
    deps.apiKeys,
    deps.pythonOption,
  );
  assertSamePreprocess(runId, getRunConfig(db, runId), inputs.target);
  claimForResume(db, runId);
  const task = attackTaskOf(db, runId, inputs);
  deps.bus.emit('runs.status', { runId, status: 'running', error: null });
  const execution = executeRun(deps, runId, task);
  return { summary: getRun(db, runId), execution };
}

/** Deletes an interrupted run with its partial scores and log; finished runs are never touched. */
export function discardRun(db: WorkspaceDb, runId: number): void {
  db.transaction(() => {
    assertInterrupted(runId, getRunProvenance(db, runId).status, 'discarded');
    const reruns = listRerunsOf(db, runId);
    if (reruns.length > 0) {
      throw new MiaError('run.referenced', `Run ${runId} cannot be discarded: run ${reruns.join(', ')} was started as a re-run of it.`, {
        runId,
      });
    }
    deleteInterruptedRun(db, runId);
  })();
}

/**
 * Flips the run back to `running` and drops what the interrupted attempt left, in one transaction. The status
 * condition makes two front doors racing to resume the same run safe: only one of them gets it.
 */
function claimForResume(db: WorkspaceDb, runId: number): void {
  db.transaction(() => {
    if (!claimInterruptedRun(db, runId)) assertInterrupted(runId, getRunProvenance(db, runId).status, 'resumed');
    const dropped = clearUnfinishedResults(db, runId);
    appendRunLog(
      db,
      runId,
      'info',
      `Resumed after an interruption: ${dropped} partial score(s) of the interrupted attempt were discarded; every record is scored again with the same configuration and seed.`,
    );
  })();
}

function assertInterrupted(runId: number, status: string, verb: 'resumed' | 'discarded'): void {
  if (status === 'interrupted') return;
  const why =
    status === 'finished'
      ? 'it is finished, and a finished run is never changed'
      : status === 'running' || status === 'queued'
        ? 'it is still running'
        : `it is ${status}, not interrupted`;
  throw new MiaError('run.not-interrupted', `Run ${runId} cannot be ${verb}: ${why}. Only interrupted runs can be ${verb}.`, {
    runId,
    status,
  });
}
