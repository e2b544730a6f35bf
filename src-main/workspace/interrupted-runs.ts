// The statements behind resuming and discarding an interrupted run (run-resume.ts decides when they apply). Each
// matches on status = 'interrupted', so a run that another front door resumed or finished meanwhile is left alone.
import type { WorkspaceDb } from './open-workspace';
import { currentOwner } from './process-identity';
import { assertRunWritable } from './runs-repo';

/** Ids of the runs started as re-runs of this one, which keep it from being discarded. */
export function listRerunsOf(db: WorkspaceDb, runId: number): number[] {
  return (db.prepare('SELECT id FROM runs WHERE rerun_of = ? ORDER BY id').all(runId) as { id: number }[]).map((row) => row.id);
}

/** Deletes the run with its scores, metrics, checks and log (ON DELETE CASCADE); false when it is not interrupted. */
export function deleteInterruptedRun(db: WorkspaceDb, runId: number): boolean {
  return db.prepare("DELETE FROM runs WHERE id = ? AND status = 'interrupted'").run(runId).changes === 1;
}

/** Makes this process the owner of the run and sets it running again; false when the run is not interrupted. */
export function claimInterruptedRun(db: WorkspaceDb, runId: number): boolean {
  const { pid, started } = currentOwner();
  const claimed = db
    .prepare(
      "UPDATE runs SET status = 'running', owner_pid = ?, owner_started = ?, error = NULL, cancel_requested_at = NULL, started_at = ? WHERE id = ? AND status = 'interrupted'",
    )
    .run(pid, started, new Date().toISOString(), runId);
  return claimed.changes === 1;
}

/**
 * Drops what an earlier attempt of an unfinished run left (scores, metrics, checks) in one transaction, and says how
 * many scores went. The run's own row and log stay; a finished run is refused (`run.immutable`).
 */
export function clearUnfinishedResults(db: WorkspaceDb, runId: number): number {
  return db.transaction(() => {
    assertRunWritable(db, runId);
    const dropped = db.prepare('DELETE FROM scores WHERE run_id = ?').run(runId).changes;
    db.prepare('DELETE FROM metrics WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM checks WHERE run_id = ?').run(runId);
    return dropped;
  })();
}
