// The SQL side of a workspace backup: the consistent snapshot a backup is made from, and what a restored copy needs
// before it can be opened here (the file format itself is in backup-format.ts).
import type { WorkspaceDb } from './open-workspace';
import { hasTable } from './workspace-facts';

/** Writes a compact copy of the database to `file` in one read transaction, so it is consistent while runs write. */
export function snapshotInto(db: WorkspaceDb, file: string): void {
  db.prepare('VACUUM INTO ?').run(file);
}

/**
 * Work that was in progress on the machine the backup came from has no owner here: runs become interrupted,
 * half-imported datasets are dropped and training jobs become interrupted, in one transaction. This runs before the
 * restored file is migrated, so it touches only what every schema version has (training_jobs arrived with schema 3).
 */
export function settleRestoredRows(restored: WorkspaceDb): void {
  restored.transaction(() => {
    restored
      .prepare(
        "UPDATE runs SET status = 'interrupted', owner_pid = NULL, error = json_object('code', 'run.interrupted', 'message', 'The run was in progress when the workspace backup was taken.') WHERE status IN ('running', 'queued')",
      )
      .run();
    restored.prepare("DELETE FROM datasets WHERE status = 'importing'").run();
    if (hasTable(restored, 'training_jobs')) {
      restored
        .prepare(
          "UPDATE training_jobs SET status = 'interrupted', owner_pid = NULL, error = json_object('code', 'training.interrupted', 'message', 'The training job was in progress when the workspace backup was taken; nothing was imported.') WHERE status = 'running'",
        )
        .run();
    }
  })();
}
