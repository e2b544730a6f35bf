// Facts about a workspace database as a whole: its schema version, its SQLite version and how many rows it holds.
// They take any open database, so the backup can ask them of a snapshot file as the app asks them of the workspace.
import type { WorkspaceDb } from './open-workspace';

export function hasTable(db: WorkspaceDb, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** The newest migration applied to the file; null when none is recorded. */
export function appliedSchemaVersion(db: WorkspaceDb): number | null {
  return (db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as { version: number | null }).version;
}

export function sqliteVersion(db: WorkspaceDb): string {
  return (db.prepare('SELECT sqlite_version() AS version').get() as { version: string }).version;
}

export interface RowCounts {
  readonly datasets: number;
  readonly records: number;
  readonly models: number;
  readonly runs: number;
}

/** What the workspace holds for the user: datasets still importing (and their records) are not counted. */
export function readyRowCounts(db: WorkspaceDb): RowCounts {
  const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  return {
    datasets: count("SELECT COUNT(*) AS n FROM datasets WHERE status = 'ready'"),
    records: count("SELECT COUNT(*) AS n FROM records r JOIN datasets d ON d.id = r.dataset_id WHERE d.status = 'ready'"),
    models: count('SELECT COUNT(*) AS n FROM models'),
    runs: count('SELECT COUNT(*) AS n FROM runs'),
  };
}

/** Every row of the four main tables, whatever its state: what a backup file holds. */
export function allRowCounts(db: WorkspaceDb): RowCounts {
  const count = (table: keyof RowCounts): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { datasets: count('datasets'), records: count('records'), models: count('models'), runs: count('runs') };
}

export function allRunIds(db: WorkspaceDb): number[] {
  return (db.prepare('SELECT id FROM runs ORDER BY id').all() as { id: number }[]).map((row) => row.id);
}
