// Run rows and what hangs off them (log, per-record scores, metrics, checks). A finished run is immutable:
// every write here refuses to touch a run whose status is 'finished'. A run whose cancel was acknowledged is never
// finished: the cancel request and the finishing transaction are settled by SQLite, in one order or the other.
import { z } from 'zod';
import { ModelKind } from '../../src-shared/domain/models';
import { ErrorPayload, RunStatus, type RunSummary } from '../../src-shared/domain/runs';
import { MiaError } from '../common/errors';
import { fromJsonColumn, toJsonColumn } from '../common/json-column';
import type { WorkspaceDb } from './open-workspace';
import { currentOwner } from './process-identity';

/**
 * The `config` column: what run preparation stores so that a re-run or a resume can start the run again. Ids that
 * were not given are null (rows written before that may lack them).
 */
export const StoredRunConfig = z.looseObject({
  attack: z.string(),
  params: z.unknown(),
  seed: z.number().int(),
  targetModelId: z.number().int().positive(),
  datasetId: z.number().int().positive(),
  referenceSetId: z.number().int().positive().nullable().optional(),
  shadowSetId: z.number().int().positive().nullable().optional(),
  nullModelId: z.number().int().positive().nullable().optional(),
  /** The most infer requests a run on a remote model may send; null or absent: no limit. */
  queryBudget: z.number().int().positive().nullable().optional(),
  /** δ of the run's ε lower bound; null or absent (runs stored before it could be set): the default, 1e-5. */
  epsilonDelta: z.number().positive().nullable().optional(),
});
export type StoredRunConfig = z.output<typeof StoredRunConfig>;

/**
 * The part of the `config` column a run summary shows: the attack's parameters. Run preparation always stores them
 * (parsed, so an object); a row without any (written by a fixture) shows none, but parameters that are not an
 * object are a corrupt column.
 */
const StoredRunParams = z.looseObject({ params: z.record(z.string(), z.unknown()).optional() });

/** The `timings` column: milliseconds per phase of a finished run. */
const RunTimings = z.record(z.string(), z.number());

/** The `details` column of a check: whatever the check attached, kept as it was. */
const CheckDetails = z.unknown();

export interface NewRun {
  /** The generated name (services/run-naming.ts); rows written without one (test fixtures) are named by their attack. */
  name?: string;
  attack: string;
  family: z.infer<typeof ModelKind>;
  targetModelId: number;
  datasetId: number;
  /** Run preparation writes a StoredRunConfig; it is checked when read, where a re-run or resume needs it. */
  config: Record<string, unknown>;
  engineVersion: string;
  modelHash: string;
  dataHash: string;
  groupKey?: string | null;
  variant?: string | null;
  rerunOf?: number | null;
}

export interface StoredMetric {
  name: string;
  slice?: string;
  value: number | null;
  ciLow?: number | null;
  ciHigh?: number | null;
  note?: string | null;
}

export interface StoredCheck {
  kind: 'polarity' | 'null-model' | 'blind-baseline';
  status: 'ok' | 'warn' | 'not-applicable';
  value: number | null;
  message: string;
  details?: unknown;
}

interface RunRow {
  id: number;
  name: string;
  tags: string;
  note: string;
  config: string;
  attack: string;
  family: string;
  status: string;
  target_model_id: number;
  dataset_id: number;
  created_at: string;
  finished_at: string | null;
  model_calls: number;
  error: string | null;
  auc: number | null;
  tpr_at_1_percent: number | null;
}

/**
 * A run summary with its headline metrics, in one statement for any number of runs (no query per run): the whole-set
 * AUC and TPR at 1 % FPR are joined in, NULL for a run without them. (run_id, name, slice) is the metrics table's
 * primary key, so each join adds at most one row. Append a WHERE or ORDER BY clause on `r`.
 */
const selectSummaries = `SELECT r.id, r.name, r.tags, r.note, r.config, r.attack, r.family, r.status, r.target_model_id, r.dataset_id,
         r.created_at, r.finished_at, r.model_calls, r.error, auc.value AS auc, tpr.value AS tpr_at_1_percent
  FROM runs r
  LEFT JOIN metrics auc ON auc.run_id = r.id AND auc.name = 'auc' AND auc.slice = ''
  LEFT JOIN metrics tpr ON tpr.run_id = r.id AND tpr.name = 'tpr@0.01' AND tpr.slice = ''`;

export function createRun(db: WorkspaceDb, run: NewRun): number {
  const now = new Date().toISOString();
  const result = db
    .prepare(
      `INSERT INTO runs (name, attack, family, target_model_id, dataset_id, config, status, engine_version, model_hash, data_hash,
                         group_key, variant, rerun_of, created_at, started_at, owner_pid, owner_started)
       VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      run.name ?? run.attack,
      run.attack,
      run.family,
      run.targetModelId,
      run.datasetId,
      toJsonColumn(run.config),
      run.engineVersion,
      run.modelHash,
      run.dataHash,
      run.groupKey ?? null,
      run.variant ?? null,
      run.rerunOf ?? null,
      now,
      now,
      currentOwner().pid,
      currentOwner().started,
    );
  return Number(result.lastInsertRowid);
}

export function getRun(db: WorkspaceDb, runId: number): RunSummary {
  const row = db.prepare(`${selectSummaries} WHERE r.id = ?`).get(runId) as RunRow | undefined;
  if (!row) throw new MiaError('run.not-found', `There is no run with id ${runId} in this workspace.`);
  return toSummary(row);
}

export function getRunConfig(db: WorkspaceDb, runId: number): StoredRunConfig {
  const row = db.prepare('SELECT config FROM runs WHERE id = ?').get(runId) as { config: string } | undefined;
  if (!row) throw new MiaError('run.not-found', `There is no run with id ${runId} in this workspace.`);
  return fromJsonColumn(StoredRunConfig, row.config, `config of run ${runId}`);
}

/** What pins a run to its inputs and engine, with its status and (once finished) its timings. */
export interface RunProvenance {
  status: z.infer<typeof RunStatus>;
  engineVersion: string;
  modelHash: string;
  dataHash: string;
  timings: Record<string, number> | null;
  /** The execution provider its sessions used ('cpu', 'cuda'); null until it finishes. */
  executionProvider: string | null;
}

export function getRunProvenance(db: WorkspaceDb, runId: number): RunProvenance {
  const row = db
    .prepare('SELECT status, engine_version, model_hash, data_hash, timings, execution_provider FROM runs WHERE id = ?')
    .get(runId) as
    | {
        status: string;
        engine_version: string;
        model_hash: string;
        data_hash: string;
        timings: string | null;
        execution_provider: string | null;
      }
    | undefined;
  if (!row) throw new MiaError('run.not-found', `There is no run with id ${runId} in this workspace.`);
  return {
    status: RunStatus.parse(row.status),
    engineVersion: row.engine_version,
    modelHash: row.model_hash,
    dataHash: row.data_hash,
    timings: fromJsonColumn(RunTimings, row.timings, `timings of run ${runId}`),
    executionProvider: row.execution_provider,
  };
}

export function listRuns(db: WorkspaceDb): RunSummary[] {
  return (db.prepare(`${selectSummaries} ORDER BY r.id DESC`).all() as RunRow[]).map(toSummary);
}

/** The `tags` column: the auditor's labels of a run. */
const RunTags = z.array(z.string());

/** What runs.describe may change; a field left out keeps its value. */
export interface RunDescription {
  name?: string;
  tags?: string[];
  note?: string;
}

/**
 * Renames, tags or annotates a run. Unlike every other write here this one is allowed on a finished run: the name,
 * tags and note label a result for the people reading it and are not part of it (scores, metrics, checks,
 * configuration and hashes stay as they landed).
 */
export function describeRun(db: WorkspaceDb, runId: number, description: RunDescription): RunSummary {
  const result = db
    .prepare('UPDATE runs SET name = COALESCE(?, name), tags = COALESCE(?, tags), note = COALESCE(?, note) WHERE id = ?')
    .run(description.name ?? null, description.tags ? toJsonColumn(description.tags) : null, description.note ?? null, runId);
  if (result.changes === 0) throw new MiaError('run.not-found', `There is no run with id ${runId} in this workspace.`);
  return getRun(db, runId);
}

/** Moves a run that is not finished to another unfinished state (running, failed, cancelled, interrupted). */
export function setRunStatus(
  db: WorkspaceDb,
  runId: number,
  status: Exclude<z.infer<typeof RunStatus>, 'finished'>,
  error: z.infer<typeof ErrorPayload> | null = null,
): void {
  const result = db
    .prepare(
      `UPDATE runs SET status = ?, error = ?, owner_pid = CASE WHEN ? = 'running' THEN ? ELSE NULL END,
              owner_started = CASE WHEN ? = 'running' THEN ? ELSE NULL END,
              finished_at = CASE WHEN ? IN ('failed', 'cancelled') THEN ? ELSE finished_at END
       WHERE id = ? AND status != 'finished'`,
    )
    .run(
      status,
      error ? toJsonColumn(error) : null,
      status,
      currentOwner().pid,
      status,
      currentOwner().started,
      status,
      new Date().toISOString(),
      runId,
    );
  if (result.changes === 0) assertRunWritable(db, runId);
}

export function appendRunLog(db: WorkspaceDb, runId: number, level: 'info' | 'warn' | 'error', message: string): void {
  db.prepare('INSERT INTO run_log (run_id, at, level, message) VALUES (?, ?, ?, ?)').run(runId, new Date().toISOString(), level, message);
}

export function readRunLog(db: WorkspaceDb, runId: number): { at: string; level: string; message: string }[] {
  return db.prepare('SELECT at, level, message FROM run_log WHERE run_id = ? ORDER BY id').all(runId) as {
    at: string;
    level: string;
    message: string;
  }[];
}

/** Stores one batch of per-record scores in one transaction; scores of an unfinished run may be partial. */
export function insertScores(db: WorkspaceDb, runId: number, recordIds: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (recordIds.length !== scores.length) {
    throw new MiaError('run.scores-mismatch', `Run ${runId}: ${recordIds.length} record ids but ${scores.length} scores.`);
  }
  assertRunWritable(db, runId);
  const insert = db.prepare('INSERT OR REPLACE INTO scores (run_id, record_id, score) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < recordIds.length; i++) {
      const score = scores[i]!;
      if (!Number.isFinite(score)) {
        throw new MiaError(
          'run.non-finite-score',
          `Run ${runId}: the score of record ${recordIds[i]} is ${score}; scores must be finite numbers.`,
        );
      }
      insert.run(runId, recordIds[i], score);
    }
  })();
}

export function readScores(db: WorkspaceDb, runId: number): { recordIds: Int32Array; scores: Float64Array } {
  const rows = db.prepare('SELECT record_id, score FROM scores WHERE run_id = ? ORDER BY record_id').raw().all(runId) as [number, number][];
  const recordIds = new Int32Array(rows.length);
  const scores = new Float64Array(rows.length);
  rows.forEach(([recordId, score], i) => {
    recordIds[i] = recordId;
    scores[i] = score;
  });
  return { recordIds, scores };
}

/**
 * Records a cancel request for a run that is still running, from whichever process asked; the owner honours it
 * (run-execution.ts polls for it) and finishRun refuses to land the run after it. False when the run is not running.
 */
export function requestRunCancel(db: WorkspaceDb, runId: number): boolean {
  const result = db
    .prepare("UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, ?) WHERE id = ? AND status IN ('running', 'queued')")
    .run(new Date().toISOString(), runId);
  return result.changes === 1;
}

export function isCancelRequested(db: WorkspaceDb, runId: number): boolean {
  const row = db.prepare('SELECT cancel_requested_at FROM runs WHERE id = ?').get(runId) as
    { cancel_requested_at: string | null } | undefined;
  return row !== undefined && row.cancel_requested_at !== null;
}

/** The process that owns a running run, as its row records it (null once the run has landed). */
export function runOwner(db: WorkspaceDb, runId: number): { pid: number; started: string | null } | null {
  const row = db.prepare('SELECT owner_pid, owner_started FROM runs WHERE id = ?').get(runId) as
    { owner_pid: number | null; owner_started: string | null } | undefined;
  return row && row.owner_pid !== null ? { pid: row.owner_pid, started: row.owner_started } : null;
}

/** Finishes a run in one transaction: metrics, checks, timings and the status flip land together or not at all. */
export function finishRun(
  db: WorkspaceDb,
  runId: number,
  outcome: {
    metrics: StoredMetric[];
    checks: StoredCheck[];
    timings: unknown;
    modelCalls: number;
    /** The execution provider the engine used; fixtures that never ran a session leave it out. */
    executionProvider?: string;
  },
): void {
  const insertMetric = db.prepare('INSERT INTO metrics (run_id, name, slice, value, ci_low, ci_high, note) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertCheck = db.prepare('INSERT INTO checks (run_id, kind, status, value, message, details) VALUES (?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    assertRunWritable(db, runId);
    if (isCancelRequested(db, runId)) {
      throw new MiaError(
        'job.cancelled',
        `Run ${runId} was cancelled before its result was stored; an acknowledged cancel always wins over finishing.`,
      );
    }
    for (const m of outcome.metrics) {
      insertMetric.run(
        runId,
        m.name,
        m.slice ?? '',
        nullIfNotFinite(m.value),
        nullIfNotFinite(m.ciLow),
        nullIfNotFinite(m.ciHigh),
        m.note ?? null,
      );
    }
    for (const c of outcome.checks) {
      insertCheck.run(
        runId,
        c.kind,
        c.status,
        nullIfNotFinite(c.value),
        c.message,
        c.details === undefined ? null : toJsonColumn(c.details),
      );
    }
    db.prepare(
      "UPDATE runs SET status = 'finished', finished_at = ?, timings = ?, model_calls = ?, execution_provider = ?, error = NULL, owner_pid = NULL, owner_started = NULL WHERE id = ?",
    ).run(new Date().toISOString(), toJsonColumn(outcome.timings), outcome.modelCalls, outcome.executionProvider ?? null, runId);
  })();
}

export function readMetrics(db: WorkspaceDb, runId: number): Required<StoredMetric>[] {
  const rows = db
    .prepare('SELECT name, slice, value, ci_low, ci_high, note FROM metrics WHERE run_id = ? ORDER BY name, slice')
    .all(runId) as {
    name: string;
    slice: string;
    value: number | null;
    ci_low: number | null;
    ci_high: number | null;
    note: string | null;
  }[];
  return rows.map((r) => ({ name: r.name, slice: r.slice, value: r.value, ciLow: r.ci_low, ciHigh: r.ci_high, note: r.note }));
}

export function readChecks(db: WorkspaceDb, runId: number): StoredCheck[] {
  const rows = db.prepare('SELECT kind, status, value, message, details FROM checks WHERE run_id = ? ORDER BY kind').all(runId) as {
    kind: StoredCheck['kind'];
    status: StoredCheck['status'];
    value: number | null;
    message: string;
    details: string | null;
  }[];
  return rows.map((r) => ({
    kind: r.kind,
    status: r.status,
    value: r.value,
    message: r.message,
    details: r.details === null ? undefined : fromJsonColumn(CheckDetails, r.details, `details of the ${r.kind} check of run ${runId}`),
  }));
}

/** Throws `run.not-found` or `run.immutable` unless the run exists and is not finished. */
export function assertRunWritable(db: WorkspaceDb, runId: number): void {
  const row = db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: string } | undefined;
  if (!row) throw new MiaError('run.not-found', `There is no run with id ${runId} in this workspace.`);
  if (row.status === 'finished') {
    throw new MiaError('run.immutable', `Run ${runId} is finished; a finished run is never changed. Start a re-run instead.`);
  }
}

function nullIfNotFinite(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    name: row.name,
    tags: fromJsonColumn(RunTags, row.tags, `tags of run ${row.id}`),
    note: row.note,
    attack: row.attack,
    params: fromJsonColumn(StoredRunParams, row.config, `config of run ${row.id}`).params ?? {},
    family: ModelKind.parse(row.family),
    status: RunStatus.parse(row.status),
    targetModelId: row.target_model_id,
    datasetId: row.dataset_id,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    modelCalls: row.model_calls,
    error: fromJsonColumn(ErrorPayload, row.error, `error of run ${row.id}`),
    headline: { auc: row.auc, tprAt1Percent: row.tpr_at_1_percent },
  };
}
