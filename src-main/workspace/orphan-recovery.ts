// Busy rows whose owning process died. Opening a workspace runs this once (crash recovery), and a live backend runs
// it every few seconds, so a run left behind by a killed CLI on a workspace that a headless host or the app has open
// stops showing as `running` within seconds instead of until the next start.
import type { WorkspaceDb } from './open-workspace';
import { isOwnerAlive } from './process-identity';

export interface RecoveredRows {
  /** Runs that became `interrupted` (or `cancelled`, where a cancel had been acknowledged before the owner died). */
  readonly runs: number[];
  readonly datasets: number[];
  readonly trainingJobs: number[];
}

/**
 * A process that died mid-work leaves rows that still say "busy". Runs whose owning process is gone become
 * `interrupted` (their partial scores stay, never reported as a result); half-imported datasets are removed.
 * Rows owned by a live process (another front door on the same workspace) are left alone; a pid that now
 * belongs to another process (same pid, another start time) does not count as the owner.
 */
export function recoverOrphanedRows(db: WorkspaceDb): RecoveredRows {
  // Read outside a write transaction, so the sweep of a live backend takes no lock while nothing is orphaned. Each
  // write below repeats the owner it judged dead in its WHERE clause, so a row that was landed, or claimed again by
  // a live process, in between is left alone.
  const orphaned = (table: 'runs' | 'datasets' | 'training_jobs', status: string, alsoWhere = ''): OwnedRow[] =>
    (db.prepare(`SELECT id, owner_pid, owner_started FROM ${table} WHERE status IN (${status}) ${alsoWhere}`).all() as OwnedRow[]).filter(
      (row) => row.owner_pid === null || !isOwnerAlive(row.owner_pid, row.owner_started),
    );
  const runs = orphaned('runs', "'running', 'queued'");
  const datasets = orphaned('datasets', "'importing'");
  // A job already submitted to Slurm runs on the cluster whatever became of this process: the next backend
  // re-attaches to it (training/slurm-reattach.ts) instead.
  const trainingJobs = orphaned('training_jobs', "'running'", "AND NOT (backend = 'slurm' AND slurm_job_id IS NOT NULL)");
  const recovered: RecoveredRows = { runs: [], datasets: [], trainingJobs: [] };
  if (runs.length === 0 && datasets.length === 0 && trainingJobs.length === 0) return recovered;
  const sameOwner = 'owner_pid IS ? AND owner_started IS ?';
  // A cancel acknowledged before the owner died still ends in `cancelled`: an acknowledged cancel always wins.
  const markInterrupted = db.prepare(
    `UPDATE runs SET owner_pid = NULL, owner_started = NULL,
            status = CASE WHEN cancel_requested_at IS NULL THEN 'interrupted' ELSE 'cancelled' END,
            finished_at = CASE WHEN cancel_requested_at IS NULL THEN finished_at ELSE ? END,
            error = CASE WHEN cancel_requested_at IS NULL
              THEN json_object('code', 'run.interrupted', 'message', 'The process running this run stopped before it finished.')
              ELSE json_object('code', 'job.cancelled', 'message', 'The run was cancelled; the process running it stopped before it finished.') END
     WHERE id = ? AND status IN ('running', 'queued') AND ${sameOwner}`,
  );
  const dropDataset = db.prepare(`DELETE FROM datasets WHERE id = ? AND status = 'importing' AND ${sameOwner}`);
  // The plan and the models it finished stay in the job's folder; its set was never imported.
  const interruptTraining = db.prepare(
    `UPDATE training_jobs SET status = 'interrupted', owner_pid = NULL, owner_started = NULL, finished_at = ?,
            error = json_object('code', 'training.interrupted', 'message', 'The process running this training job stopped before it finished; nothing was imported.')
     WHERE id = ? AND status = 'running' AND ${sameOwner}`,
  );
  db.transaction(() => {
    const now = new Date().toISOString();
    for (const row of runs)
      if (markInterrupted.run(now, row.id, row.owner_pid, row.owner_started).changes === 1) recovered.runs.push(row.id);
    for (const row of datasets)
      if (dropDataset.run(row.id, row.owner_pid, row.owner_started).changes === 1) recovered.datasets.push(row.id);
    for (const row of trainingJobs)
      if (interruptTraining.run(now, row.id, row.owner_pid, row.owner_started).changes === 1) recovered.trainingJobs.push(row.id);
  }).immediate();
  return recovered;
}

interface OwnedRow {
  id: number;
  owner_pid: number | null;
  owner_started: string | null;
}
