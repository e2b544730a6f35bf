// Training job rows: written by the training service as a job starts and whenever it changes, read back as the
// contract's TrainingJobSummary. Status, error, set and times are columns (crash recovery updates them in SQL);
// the rest of the summary (recipe, per-model results, log) is one JSON column.
import { TrainingJobSummary, type TrainingStatus } from '../../src-shared/domain/training';
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
}

const columns = 'id, purpose, status, dataset_id, target_model_id, folder, model_set_id, details, error, started_at, finished_at';

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
        `INSERT INTO training_jobs (purpose, status, dataset_id, target_model_id, folder, model_set_id, details, error, owner_pid, owner_started, started_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      ).lastInsertRowid,
  );
}

/** Writes the job's current state; a job that has ended gives up its owner. */
export function updateTrainingJob(db: WorkspaceDb, job: TrainingJobSummary): void {
  const ended = job.status !== 'running';
  db.prepare(
    `UPDATE training_jobs SET status = ?, model_set_id = ?, details = ?, error = ?, finished_at = ?,
            owner_pid = CASE WHEN ? THEN NULL ELSE owner_pid END, owner_started = CASE WHEN ? THEN NULL ELSE owner_started END
     WHERE id = ?`,
  ).run(
    job.status,
    job.modelSetId,
    detailsOf(job),
    job.error ? toJsonColumn(job.error) : null,
    job.finishedAt,
    ended ? 1 : 0,
    ended ? 1 : 0,
    job.id,
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
