// Training job rows: written by the training service as a job starts and whenever it changes, read back as the
// contract's TrainingJobSummary. Status, error, set and times are columns (crash recovery updates them in SQL);
// the rest of the summary (recipe, per-model results, log) is one JSON column. A Slurm job also keeps its array
// state and the settings it was submitted with, and gives up its owner when its process detaches (the cluster runs
// it), so the next backend to open the workspace can claim it and re-attach.
import { SlurmJobState, TrainingJobSummary, type TrainingBackend, type TrainingStatus } from '../../src-shared/domain/training';
import { fromJsonColumn, toJsonColumn } from '../common/json-column';
import { MiaError } from '../common/errors';
import type { WorkspaceDb } from './open-workspace';
import { currentOwner } from './process-identity';

const Details = TrainingJobSummary.pick({ modelCount: true, modelsDone: true, recipe: true, results: true, log: true });
const JobError = TrainingJobSummary.shape.error.unwrap();

interface JobRow {
  id: number;
  purpose: 'shadow' | 'reference';
  status: TrainingStatus;
  dataset_id: number;
  target_model_id: number;
  folder: string;
  model_set_id: number | null;
  details: string;
  error: string | null;
  started_at: string;
  finished_at: string | null;
  backend: TrainingBackend;
  slurm: string | null;
}

const columns =
  'id, purpose, status, dataset_id, target_model_id, folder, model_set_id, details, error, started_at, finished_at, backend, slurm';

function toSummary(row: JobRow): TrainingJobSummary {
  const details = fromJsonColumn(Details, row.details, `training job ${row.id} details`)!;
  return {
    id: row.id,
    purpose: row.purpose,
    status: row.status,
    datasetId: row.dataset_id,
    targetModelId: row.target_model_id,
    folder: row.folder,
    modelSetId: row.model_set_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: fromJsonColumn(JobError, row.error, `training job ${row.id} error`),
    ...details,
    backend: row.backend,
    slurm: fromJsonColumn(SlurmJobState, row.slurm, `training job ${row.id} slurm state`),
  };
}

const detailsOf = (job: Omit<TrainingJobSummary, 'id'>) =>
  toJsonColumn({ modelCount: job.modelCount, modelsDone: job.modelsDone, recipe: job.recipe, results: job.results, log: job.log });

/** A new running job owned by this process; returns its id. */
export function insertTrainingJob(db: WorkspaceDb, job: Omit<TrainingJobSummary, 'id'>): number {
  const owner = currentOwner();
  return Number(
    db
      .prepare(
        `INSERT INTO training_jobs (purpose, status, dataset_id, target_model_id, folder, model_set_id, details, error, owner_pid, owner_started, started_at, finished_at, backend)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        job.purpose,
        job.status,
        job.datasetId,
        job.targetModelId,
        job.folder,
        job.modelSetId,
        detailsOf(job),
        job.error ? toJsonColumn(job.error) : null,
        owner.pid,
        owner.started,
        job.startedAt,
        job.finishedAt,
        job.backend,
      ).lastInsertRowid,
  );
}

/** Writes the job's current state; a job that has ended gives up its owner. */
export function updateTrainingJob(db: WorkspaceDb, job: TrainingJobSummary): void {
  const ended = job.status !== 'running';
  db.prepare(
    `UPDATE training_jobs SET status = ?, model_set_id = ?, details = ?, error = ?, finished_at = ?, slurm = ?, slurm_job_id = ?,
            owner_pid = CASE WHEN ? THEN NULL ELSE owner_pid END, owner_started = CASE WHEN ? THEN NULL ELSE owner_started END
     WHERE id = ?`,
  ).run(
    job.status,
    job.modelSetId,
    detailsOf(job),
    job.error ? toJsonColumn(job.error) : null,
    job.finishedAt,
    job.slurm ? toJsonColumn(job.slurm) : null,
    job.slurm?.jobIds[0] ?? null,
    ended ? 1 : 0,
    ended ? 1 : 0,
    job.id,
  );
}

/**
 * The Slurm settings a job was submitted with, its staging folder and set name, as JSON: the training service owns
 * their schema (it is the contract's), and parses what it reads back.
 */
export function setSlurmSettingsJson(db: WorkspaceDb, jobId: number, json: string): void {
  db.prepare('UPDATE training_jobs SET slurm_settings = ? WHERE id = ?').run(json, jobId);
}

export function getSlurmSettingsJson(db: WorkspaceDb, jobId: number): string | null {
  const row = db.prepare('SELECT slurm_settings FROM training_jobs WHERE id = ?').get(jobId) as
    { slurm_settings: string | null } | undefined;
  return row?.slurm_settings ?? null;
}

/** This process stops following a submitted Slurm job (it is closing); the job runs on, and the next backend claims it. */
export function releaseSlurmTrainingJob(db: WorkspaceDb, jobId: number): void {
  const owner = currentOwner();
  db.prepare(
    `UPDATE training_jobs SET owner_pid = NULL, owner_started = NULL
     WHERE id = ? AND backend = 'slurm' AND owner_pid IS ? AND owner_started IS ?`,
  ).run(jobId, owner.pid, owner.started);
}

/** A failed job runs again (its failed Slurm tasks were resubmitted), owned by this process; false if it was not failed. */
export function reopenFailedTrainingJob(db: WorkspaceDb, jobId: number): boolean {
  const owner = currentOwner();
  return (
    db
      .prepare(
        `UPDATE training_jobs SET status = 'running', error = NULL, finished_at = NULL, owner_pid = ?, owner_started = ?
         WHERE id = ? AND status = 'failed'`,
      )
      .run(owner.pid, owner.started, jobId).changes === 1
  );
}

/** Submitted Slurm jobs still running, with their owner, for re-attaching. */
export function listSlurmJobsToAttach(db: WorkspaceDb): { id: number; ownerPid: number | null; ownerStarted: string | null }[] {
  return (
    db
      .prepare(
        `SELECT id, owner_pid, owner_started FROM training_jobs
         WHERE backend = 'slurm' AND status = 'running' AND slurm_job_id IS NOT NULL ORDER BY id`,
      )
      .all() as { id: number; owner_pid: number | null; owner_started: string | null }[]
  ).map((row) => ({ id: row.id, ownerPid: row.owner_pid, ownerStarted: row.owner_started }));
}

/**
 * Makes this process the owner of a job whose owner was judged gone (or had released it), and only then: the owner
 * is repeated in the WHERE clause, so two backends opening the workspace at once never both follow one array.
 */
export function claimTrainingJob(
  db: WorkspaceDb,
  jobId: number,
  previous: { ownerPid: number | null; ownerStarted: string | null },
): boolean {
  const owner = currentOwner();
  return (
    db
      .prepare(
        `UPDATE training_jobs SET owner_pid = ?, owner_started = ?
         WHERE id = ? AND status = 'running' AND owner_pid IS ? AND owner_started IS ?`,
      )
      .run(owner.pid, owner.started, jobId, previous.ownerPid, previous.ownerStarted).changes === 1
  );
}

export function getTrainingJob(db: WorkspaceDb, jobId: number): TrainingJobSummary {
  const row = db.prepare(`SELECT ${columns} FROM training_jobs WHERE id = ?`).get(jobId) as JobRow | undefined;
  if (!row) throw new MiaError('training.not-found', `There is no training job ${jobId} in this workspace.`);
  return toSummary(row);
}

/** Every job of the workspace, newest first. */
export function listTrainingJobs(db: WorkspaceDb): TrainingJobSummary[] {
  return (db.prepare(`SELECT ${columns} FROM training_jobs ORDER BY id DESC`).all() as JobRow[]).map(toSummary);
}
