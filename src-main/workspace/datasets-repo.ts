// Dataset rows: listing with per-role counts. Import (writes) lives in the dataset import service.
import { z } from 'zod';
import type { DatasetSummary } from '../../src-shared/domain/records';
import { DatasetSourceKind } from '../../src-shared/domain/records';
import { fromJsonColumn } from '../common/json-column';
import { MiaError } from '../common/errors';
import type { WorkspaceDb } from './open-workspace';

interface DatasetRow {
  id: number;
  name: string;
  source_kind: string;
  source_path: string;
  root_path: string;
  record_count: number;
  class_names: string | null;
  created_at: string;
}

const ClassNames = z.array(z.string());

export function listDatasets(db: WorkspaceDb): DatasetSummary[] {
  const rows = db
    .prepare(
      "SELECT id, name, source_kind, source_path, root_path, record_count, class_names, created_at FROM datasets WHERE status = 'ready' ORDER BY id",
    )
    .all() as DatasetRow[];
  const counts = db
    .prepare(
      "SELECT r.dataset_id, r.role, COUNT(*) AS n FROM records r JOIN datasets d ON d.id = r.dataset_id WHERE d.status = 'ready' GROUP BY r.dataset_id, r.role",
    )
    .all() as { dataset_id: number; role: string; n: number }[];
  return rows.map((row) =>
    toSummary(
      row,
      counts.filter((c) => c.dataset_id === row.id),
    ),
  );
}

export function getDataset(db: WorkspaceDb, datasetId: number): DatasetSummary & { rootPath: string } {
  const row = db
    .prepare(
      "SELECT id, name, source_kind, source_path, root_path, record_count, class_names, created_at FROM datasets WHERE id = ? AND status = 'ready'",
    )
    .get(datasetId) as DatasetRow | undefined;
  if (!row) throw new MiaError('dataset.not-found', `There is no dataset with id ${datasetId} in this workspace.`);
  const counts = db.prepare('SELECT dataset_id, role, COUNT(*) AS n FROM records WHERE dataset_id = ? GROUP BY role').all(datasetId) as {
    dataset_id: number;
    role: string;
    n: number;
  }[];
  return { ...toSummary(row, counts), rootPath: row.root_path };
}

/** The newest ready dataset imported from this source path, if any. */
export function findReadyDatasetBySource(db: WorkspaceDb, sourcePath: string): number | null {
  const row = db.prepare("SELECT id FROM datasets WHERE source_path = ? AND status = 'ready' ORDER BY id DESC").get(sourcePath) as
    { id: number } | undefined;
  return row?.id ?? null;
}

function toSummary(row: DatasetRow, counts: { role: string; n: number }[]): DatasetSummary {
  return {
    id: row.id,
    name: row.name,
    sourceKind: DatasetSourceKind.parse(row.source_kind),
    sourcePath: row.source_path,
    recordCount: row.record_count,
    classNames: fromJsonColumn(ClassNames, row.class_names, `class_names of dataset ${row.id}`),
    roleCounts: Object.fromEntries(counts.map((c) => [c.role, c.n])),
    createdAt: row.created_at,
  };
}
