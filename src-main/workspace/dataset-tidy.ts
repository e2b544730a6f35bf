// Dataset rows for tidying the workspace: renaming, what still uses a dataset, deleting it with its records, and the
// content hash that tells an import it brings nothing new. The rules (which users block a delete, what a refusal
// says) are in services/workspace-tidy.ts.
import crypto from 'node:crypto';
import type { WorkspaceDb } from './open-workspace';

/** Another ready dataset with this name (names are compared as stored, after trimming), or null. */
export function findDatasetNamed(db: WorkspaceDb, name: string, exceptId: number): { id: number } | null {
  return (
    (db.prepare("SELECT id FROM datasets WHERE name = ? AND id <> ? AND status = 'ready'").get(name, exceptId) as
      { id: number } | undefined) ?? null
  );
}

export function setDatasetName(db: WorkspaceDb, datasetId: number, name: string): void {
  db.prepare("UPDATE datasets SET name = ? WHERE id = ? AND status = 'ready'").run(name, datasetId);
}

export interface DatasetUsers {
  readonly runs: { id: number; name: string }[];
  readonly trainingJobs: { id: number; purpose: string; setName: string | null }[];
}

export function datasetUsers(db: WorkspaceDb, datasetId: number): DatasetUsers {
  return {
    runs: db.prepare('SELECT id, name FROM runs WHERE dataset_id = ? ORDER BY id').all(datasetId) as DatasetUsers['runs'],
    trainingJobs: db
      .prepare(
        'SELECT t.id AS id, t.purpose AS purpose, s.name AS setName FROM training_jobs t LEFT JOIN model_sets s ON s.id = t.model_set_id WHERE t.dataset_id = ? ORDER BY t.id',
      )
      .all(datasetId) as DatasetUsers['trainingJobs'],
  };
}

/**
 * Deletes a ready dataset; its records (with their thumbnails, which live in the records table) go with it by
 * cascade. The caller runs this inside its transaction, after checking that nothing uses the dataset.
 */
export function deleteDatasetRows(db: WorkspaceDb, datasetId: number): boolean {
  return db.prepare("DELETE FROM datasets WHERE id = ? AND status = 'ready'").run(datasetId).changes === 1;
}

/**
 * SHA-256 over every record's key, file SHA-256, label, caption, membership and role, in key order: the same files
 * with the same labels give the same hash wherever they were imported from; other labels or roles make other content.
 */
export function computeDatasetContentHash(db: WorkspaceDb, datasetId: number): string {
  const hash = crypto.createHash('sha256');
  const rows = db
    .prepare('SELECT record_key, sha256, label, caption, member, role FROM records WHERE dataset_id = ? ORDER BY record_key')
    .iterate(datasetId) as Iterable<{
    record_key: string;
    sha256: string;
    label: number | null;
    caption: string | null;
    member: number | null;
    role: string;
  }>;
  for (const row of rows) {
    hash.update(`${JSON.stringify([row.record_key, row.sha256, row.label, row.caption, row.member, row.role])}\n`);
  }
  return hash.digest('hex');
}

/**
 * A ready dataset other than `exceptId` with this content hash. Datasets imported before hashes were stored get
 * theirs here, but only those with the same record count (any other count cannot be the same content).
 */
export function findDatasetWithContent(
  db: WorkspaceDb,
  contentSha256: string,
  recordCount: number,
  exceptId: number,
): { id: number; name: string } | null {
  const unhashed = db
    .prepare("SELECT id FROM datasets WHERE status = 'ready' AND content_sha256 IS NULL AND record_count = ? AND id <> ?")
    .all(recordCount, exceptId) as { id: number }[];
  const store = db.prepare('UPDATE datasets SET content_sha256 = ? WHERE id = ?');
  for (const { id } of unhashed) store.run(computeDatasetContentHash(db, id), id);
  return (
    (db
      .prepare("SELECT id, name FROM datasets WHERE status = 'ready' AND content_sha256 = ? AND id <> ? ORDER BY id")
      .get(contentSha256, exceptId) as { id: number; name: string } | undefined) ?? null
  );
}
