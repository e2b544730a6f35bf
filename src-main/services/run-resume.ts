// Resuming or discarding an interrupted run. Resume re-runs the run's stored configuration (same attack, parameters,
// seed, models and records) under the same run id, after checking that the inputs still hash to what the run was
// pinned to; the partial scores of the interrupted attempt are dropped first, so nothing partial is ever reported.
// Attacks are deterministic given their configuration and seed, so a resumed run scores exactly like an
// uninterrupted one.
import type { RunSummary } from '../../src-preload/contract';
import { engineVersion } from '../common/engine-version';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import { findAttack } from '../engine/attacks/registry';
import type { AttackTask } from '../engine/jobs/attack-task';
import type { EngineClient } from '../host/engine-client';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { appendRunLog, getRun } from '../workspace/runs-repo';
import type { EventBus } from './event-bus';
import { verifyModelFiles } from './model-files';
import { executeRun, type RunningJobs } from './run-execution';
import { modelsHash, readModelSetSpecs, readModelSpec, readRunRecords, recordsHash } from './run-inputs';
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
  const request = startRequestOfRun(db, runId);
  const attack = findAttack(request.attack);
  const params = parseWith(attack.params, request.params, `Parameters of run ${runId} (${attack.id})`, 'run.bad-config');

  const gone = (modelId: number): string => `Run ${runId} used model ${modelId}, which is no longer in this workspace; the run cannot be resumed.`;
  const target = readModelSpec(db, request.targetModelId, gone(request.targetModelId));
  const references = request.referenceSetId ? readModelSetSpecs(db, request.referenceSetId) : [];
  const shadows = request.shadowSetId ? readModelSetSpecs(db, request.shadowSetId) : [];
  const nullModel = request.nullModelId ? readModelSpec(db, request.nullModelId, gone(request.nullModelId)) : null;
  const models = [target, ...references, ...shadows, ...(nullModel ? [nullModel] : [])];
  const records = readRunRecords(db, request.datasetId);
  // The same recipes as run preparation: a run is only resumed on exactly the inputs it was started on.
  if (modelsHash(models) !== stored.model_hash) {
    throw new MiaError('run.inputs-changed', `Run ${runId}: its models are not the ones the run was started with, so it cannot be resumed. Discard it and start a new run.`, { runId, what: 'models' });
  }
  if (recordsHash(records) !== stored.data_hash) {
    throw new MiaError('run.inputs-changed', `Run ${runId}: the records of dataset ${request.datasetId} changed since the run started, so it cannot be resumed. Discard it and start a new run.`, { runId, what: 'records' });
  }
  for (const model of models) await verifyModelFiles(model.name, model.files, model.sha256);

  claimForResume(db, runId);
  const task: AttackTask = {
    kind: 'attack',
    runId,
    attack: attack.id,
    params,
    seed: request.seed,
    target,
    records,
    references,
    shadows,
    nullModel,
  };
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





