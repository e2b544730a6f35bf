// Dataset writes for the import service: a dataset row that says "importing" while its records arrive in
// batches, then either becomes "ready" or is deleted with all its records (so a failed import leaves nothing).
import type { DatasetSourceKind } from '../../src-shared/domain/records';
import type { PreparedRecord } from '../engine/data/record-source';
import { toJsonColumn } from '../common/json-column';
import type { WorkspaceDb } from './open-workspace';
import { currentOwner } from './process-identity';

export interface NewDataset {
  readonly name: string;
  readonly sourceKind: DatasetSourceKind;
  readonly sourcePath: string;
  readonly rootPath: string;
  readonly classNames: string[] | null;
}

/** The row belongs to this process until it is finished; a crash leaves it for `openWorkspace` to remove. */
export function createImportingDataset(db: WorkspaceDb, dataset: NewDataset): number {
  const result = db
    .prepare(
      "INSERT INTO datasets (name, source_kind, source_path, root_path, status, record_count, owner_pid, owner_started, class_names, created_at) VALUES (?, ?, ?, ?, 'importing', 0, ?, ?, ?, ?)",
    )
    .run(
      dataset.name,
      dataset.sourceKind,
      dataset.sourcePath,
      dataset.rootPath,
      currentOwner().pid,
      currentOwner().started,
      dataset.classNames ? toJsonColumn(dataset.classNames) : null,
      new Date().toISOString(),
    );
  return Number(result.lastInsertRowid);
}

/** One transaction per call: callers pass a batch (a few hundred records). */
export function insertRecords(db: WorkspaceDb, datasetId: number, records: readonly PreparedRecord[]): void {
  const insert = db.prepare(
    `INSERT INTO records (dataset_id, record_key, path, source_index, sha256, width, height, channels, label, caption, member, role, thumbnail)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const r of records) {
      insert.run(
        datasetId,
        r.key,
        r.path,
        r.sourceIndex,
        r.sha256,
        r.width,
        r.height,
        r.channels,
        r.label,
        r.caption,
        r.member,
        r.role,
        r.thumbnail,
      );
    }
  })();
}

/**
 * Makes the dataset visible: record count from the rows themselves, class names possibly learned during import, and
 * the content hash that later imports compare against (dataset-tidy.ts).
 */
export function finishDataset(db: WorkspaceDb, datasetId: number, classNames: string[] | null, contentSha256: string): void {
  db.prepare(
    "UPDATE datasets SET status = 'ready', owner_pid = NULL, owner_started = NULL, class_names = ?, content_sha256 = ?, record_count = (SELECT COUNT(*) FROM records WHERE dataset_id = ?) WHERE id = ?",
  ).run(classNames ? toJsonColumn(classNames) : null, contentSha256, datasetId, datasetId);
}

/** Removes a dataset that is still importing, and (by cascade) its records. Ready datasets are never touched here. */
export function discardImportingDataset(db: WorkspaceDb, datasetId: number): void {
  db.prepare("DELETE FROM datasets WHERE id = ? AND status = 'importing'").run(datasetId);
}
