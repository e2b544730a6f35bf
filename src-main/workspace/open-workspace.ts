// Opens (or creates) a workspace file: pragmas that protect the data, then any pending migrations.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { MiaError } from '../common/errors';
import { migrations, type Migration } from './migrations';
import { recoverOrphanedRows } from './orphan-recovery';
import { appliedSchemaVersion, hasTable } from './workspace-facts';

export type WorkspaceDb = Database.Database;

export interface OpenWorkspaceOptions {
  readonly readonly?: boolean;
  /** Milliseconds a writer waits for another connection's lock before failing. */
  readonly busyTimeoutMs?: number;
}

/** The newest schema version this build of the workbench knows. */
export const currentSchemaVersion = migrations.reduce((max, m) => Math.max(max, m.version), 0);

export function openWorkspace(file: string, options: OpenWorkspaceOptions = {}): WorkspaceDb {
  const absolute = path.resolve(file);
  if (options.readonly && !fs.existsSync(absolute)) {
    throw new MiaError('workspace.not-found', `Workspace file ${absolute} does not exist.`);
  }
  fs.mkdirSync(path.dirname(absolute), { recursive: true });
  let db: WorkspaceDb;
  try {
    db = new Database(absolute, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new MiaError('workspace.open-failed', `Could not open workspace ${absolute}: ${(error as Error).message}`);
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('foreign_keys = ON');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // FULL keeps a committed transaction on disk even if the machine loses power right after it.
      db.pragma('synchronous = FULL');
      migrate(db, absolute);
      recoverOrphanedRows(db);
    } else {
      assertKnownVersion(db, absolute);
    }
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: WorkspaceDb, file: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  assertKnownVersion(db, file);
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version));
  const pending = [...migrations].sort((a, b) => a.version - b.version).filter((m) => !applied.has(m.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of pending) {
    applyMigration(db, migration, record);
  }
}

function applyMigration(db: WorkspaceDb, migration: Migration, record: Database.Statement): void {
  db.transaction(() => {
    db.exec(migration.sql);
    record.run(migration.version, migration.name, new Date().toISOString());
  })();
}

function assertKnownVersion(db: WorkspaceDb, file: string): void {
  if (!hasTable(db, 'schema_migrations')) return;
  const version = appliedSchemaVersion(db);
  if ((version ?? 0) > currentSchemaVersion) {
    throw new MiaError(
      'workspace.too-new',
      `Workspace ${file} has schema version ${version}, but this build of the workbench knows versions up to ${currentSchemaVersion}. Open it with a newer workbench.`,
    );
  }
}

export function workspaceIntegrity(db: WorkspaceDb): string {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((row) => row.integrity_check).join('; ');
}
