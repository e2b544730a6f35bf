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
import { appendRunLog, getRun } from '../workspace/runs-repo';
import type { EventBus } from './event-bus';
import { executeRun, type RunningJobs } from './run-execution';
import { attackTaskOf, resolveRunInputs } from './resolve-run-inputs';
import { startRequestOfRun } from './ui-queries-rerun';
import { currentOwner } from '../workspace/process-identity';

export interface ResumeDeps {
  readonly db: WorkspaceDb;
  readonly engine: EngineClient;
  readonly bus: EventBus;
  readonly running: RunningJobs;
}

interface StoredRunRow {
  status: string;
  engine_version: string;
  model_hash: string;
  data_hash: string;
}


/**
 * Starts an interrupted run again under its own id. Resolves once the run is `running` again; `execution` settles
 * when it lands (finished, failed, cancelled or interrupted once more), like a freshly started run.
 */
export async function resumeRun(deps: ResumeDeps, runId: number): Promise<{ summary: RunSummary; execution: Promise<void> }> {
  const { db } = deps;
  const stored = readRunRow(db, runId);
  assertInterrupted(runId, stored.status, 'resumed');
  if (stored.engine_version !== engineVersion) {
    throw new MiaError(
      'run.engine-changed',
      `Run ${runId} was started by engine ${stored.engine_version}, and this is engine ${engineVersion}; its scores could differ, so it cannot be resumed. Discard it and start a new run.`,
      { runId, was: stored.engine_version, now: engineVersion },
    );
  }
  // The same resolver as a new run, held to the pins the run was started with.
  const inputs = await resolveRunInputs(db, startRequestOfRun(db, runId), { runId, modelHash: stored.model_hash, dataHash: stored.data_hash });
  claimForResume(db, runId);
  const task = attackTaskOf(runId, inputs);
  deps.bus.emit('runs.status', { runId, status: 'running', error: null });
  const execution = executeRun(deps, runId, task);
  return { summary: getRun(db, runId), execution };
}

/** Deletes an interrupted run with its partial scores and log; finished runs are never touched. */
export function discardRun(db: WorkspaceDb, runId: number): void {
  db.transaction(() => {
    assertInterrupted(runId, readRunRow(db, runId).status, 'discarded');
    const reruns = db.prepare('SELECT id FROM runs WHERE rerun_of = ?').all(runId) as { id: number }[];
    if (reruns.length > 0) {
      throw new MiaError('run.referenced', `Run ${runId} cannot be discarded: run ${reruns.map((r) => r.id).join(', ')} was started as a re-run of it.`, { runId });
    }
    // scores, metrics, checks and the log go with the row (ON DELETE CASCADE).
    db.prepare("DELETE FROM runs WHERE id = ? AND status = 'interrupted'").run(runId);
  })();
}

/**
 * Flips the run back to `running` and drops what the interrupted attempt left, in one transaction. The status
 * condition makes two front doors racing to resume the same run safe: only one of them gets it.
 */
function claimForResume(db: WorkspaceDb, runId: number): void {
  db.transaction(() => {
    const claimed = db
      .prepare("UPDATE runs SET status = 'running', owner_pid = ?, owner_started = ?, error = NULL, cancel_requested_at = NULL, started_at = ? WHERE id = ? AND status = 'interrupted'")
      .run(currentOwner().pid, currentOwner().started, new Date().toISOString(), runId);
    if (claimed.changes !== 1) assertInterrupted(runId, readRunRow(db, runId).status, 'resumed');
    const dropped = db.prepare('DELETE FROM scores WHERE run_id = ?').run(runId).changes;
    db.prepare('DELETE FROM metrics WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM checks WHERE run_id = ?').run(runId);
    appendRunLog(db, runId, 'info', `Resumed after an interruption: ${dropped} partial score(s) of the interrupted attempt were discarded; every record is scored again with the same configuration and seed.`);
  })();
}

function readRunRow(db: WorkspaceDb, runId: number): StoredRunRow {
  const row = db.prepare('SELECT status, engine_version, model_hash, data_hash FROM runs WHERE id = ?').get(runId) as StoredRunRow | undefined;
  if (!row) throw new MiaError('run.not-found', `There is no run with id ${runId} in this workspace.`);
  return row;
}

function assertInterrupted(runId: number, status: string, verb: 'resumed' | 'discarded'): void {
  if (status === 'interrupted') return;
  const why =
    status === 'finished'
      ? 'it is finished, and a finished run is never changed'
      : status === 'running' || status === 'queued'
        ? 'it is still running'
        : `it is ${status}, not interrupted`;
  throw new MiaError('run.not-interrupted', `Run ${runId} cannot be ${verb}: ${why}. Only interrupted runs can be ${verb}.`, { runId, status });
}





