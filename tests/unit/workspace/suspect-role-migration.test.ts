// Migration 9 rebuilds `records` (and `scores`, which refers to it) to admit the role "suspect": a schema-8 workspace
// keeps every record and score with its id, foreign keys still hold, and only known roles are accepted.
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../src-main/workspace/migrations';
import { currentSchemaVersion, openWorkspace, workspaceIntegrity } from '../../../src-main/workspace/open-workspace';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir();

/** A workspace file at schema 8 with one dataset, two records, a run and its two scores. */
function schema8Workspace(file: string): void {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const migration of migrations.filter((m) => m.version <= 8)) {
    db.exec(migration.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.name, '2026-01-01T00:00:00Z');
  }
  const now = '2026-01-01T00:00:00Z';
  db.prepare(
    "INSERT INTO datasets (id, name, source_kind, source_path, root_path, status, created_at) VALUES (3, 'd', 'manifest-csv', 'm.csv', '.', 'ready', ?)",
  ).run(now);
  const record = db.prepare(
    "INSERT INTO records (id, dataset_id, record_key, path, sha256, width, height, channels, member, role, caption) VALUES (?, 3, ?, ?, 'x', 4, 4, 3, ?, ?, 'a cat')",
  );
  record.run(11, 'r1', 'a.png', 1, 'audit');
  record.run(12, 'r2', 'b.png', 0, 'nonmember-reference');
  db.prepare(
    "INSERT INTO models (id, name, kind, role, files, sha256, config, io, created_at) VALUES (5, 'm', 'clip', 'target', '{}', 'h', '{}', '{}', ?)",
  ).run(now);
  db.prepare(
    `INSERT INTO runs (id, attack, family, target_model_id, dataset_id, config, status, engine_version, model_hash, data_hash, created_at)
     VALUES (7, 'csa', 'clip', 5, 3, '{}', 'finished', 't', 'h', 'd', ?)`,
  ).run(now);
  db.prepare('INSERT INTO scores (run_id, record_id, score) VALUES (7, 11, 0.75), (7, 12, -0.25)').run();
  db.close();
}

describe('migration 9: the suspect role', () => {
  it('upgrades a schema-8 workspace, keeping records, scores and their ids', () => {
    const file = path.join(dir, 'schema-8.sqlite');
    schema8Workspace(file);
    const db = openWorkspace(file);
    expect(currentSchemaVersion).toBeGreaterThanOrEqual(9);
    expect(db.prepare('SELECT id, record_key, member, role, caption FROM records ORDER BY id').all()).toEqual([
      { id: 11, record_key: 'r1', member: 1, role: 'audit', caption: 'a cat' },
      { id: 12, record_key: 'r2', member: 0, role: 'nonmember-reference', caption: 'a cat' },
    ]);
    expect(db.prepare('SELECT run_id, record_id, score FROM scores ORDER BY record_id').all()).toEqual([
      { run_id: 7, record_id: 11, score: 0.75 },
      { run_id: 7, record_id: 12, score: -0.25 },
    ]);
    db.prepare(
      "INSERT INTO records (dataset_id, record_key, path, sha256, width, height, channels, role) VALUES (3, 's1', 's.png', 'y', 4, 4, 3, 'suspect')",
    ).run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO records (dataset_id, record_key, path, sha256, width, height, channels, role) VALUES (3, 'z', 'z.png', 'y', 4, 4, 3, 'member')",
        )
        .run(),
    ).toThrow(/CHECK constraint/);
    // scores still refer to records, and runs still cascade to their scores
    expect(() => db.prepare('INSERT INTO scores (run_id, record_id, score) VALUES (7, 999, 1)').run()).toThrow(/FOREIGN KEY/);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    db.prepare('DELETE FROM runs WHERE id = 7').run();
    expect((db.prepare('SELECT COUNT(*) AS n FROM scores').get() as { n: number }).n).toBe(0);
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'records' AND type = 'index' AND name NOT LIKE 'sqlite_%'").all(),
    ).toEqual([{ name: 'records_by_dataset_role' }]);
    expect(workspaceIntegrity(db)).toBe('ok');
    db.close();
  });
});
