// The `exports` table: one row per file an export wrote (PDF, CSV, workspace backup), so the workspace knows what left it.
import { toJsonColumn } from '../common/json-column';
import type { WorkspaceDb } from './open-workspace';

export interface NewExport {
  readonly kind: 'pdf' | 'csv' | 'workspace-backup';
  readonly path: string;
  readonly runIds: readonly number[];
  readonly sha256: string;
}

/** Records the files of one export in one transaction, with one time; returns their row ids in the same order. */
export function recordExports(db: WorkspaceDb, files: readonly NewExport[]): number[] {
  const insert = db.prepare('INSERT INTO exports (kind, path, run_ids, sha256, created_at) VALUES (?, ?, ?, ?, ?)');
  const createdAt = new Date().toISOString();
  return db.transaction(() =>
    files.map((file) => Number(insert.run(file.kind, file.path, toJsonColumn(file.runIds), file.sha256, createdAt).lastInsertRowid)),
  )();
}
