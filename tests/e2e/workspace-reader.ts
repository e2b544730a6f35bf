// Reads a headless host's workspace straight from SQLite (read-only) so a browser test can compare what the UI
// shows with what is stored.
import Database from 'better-sqlite3';

export interface StoredMetric {
  name: string;
  slice: string;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export function readWorkspace<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

export function storedMetrics(file: string, runId: number): StoredMetric[] {
  return readWorkspace(
    file,
    (db) =>
      db
        .prepare('SELECT name, slice, value, ci_low AS ciLow, ci_high AS ciHigh FROM metrics WHERE run_id = ?')
        .all(runId) as StoredMetric[],
  );
}

export function tableCounts(file: string): { datasets: number; records: number; models: number; runs: number } {
  return readWorkspace(file, (db) => {
    const count = (table: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { datasets: count('datasets'), records: count('records'), models: count('models'), runs: count('runs') };
  });
}
