// The statement behind deleting a run that has landed (services/workspace-tidy.ts decides when it applies). It
// matches on the landed states, so a run that another front door started again meanwhile is left alone.
import type { WorkspaceDb } from './open-workspace';

/** Deletes the run with its scores, metrics, checks and log (ON DELETE CASCADE); false when it is queued or running. */
export function deleteLandedRun(db: WorkspaceDb, runId: number): boolean {
  return (
    db.prepare("DELETE FROM runs WHERE id = ? AND status IN ('finished', 'failed', 'cancelled', 'interrupted')").run(runId).changes === 1
  );
}
