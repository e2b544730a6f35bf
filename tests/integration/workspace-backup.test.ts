// Workspace backup: export the whole workspace as one checksummed file (through the CLI command), restore it as a
// new workspace that holds the same rows, and refuse damaged, cut-off or foreign files without writing anything.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-preload/contract';
import { backupCommand } from '../../src-main/cli/commands/backup';
import type { Backend } from '../../src-main/services/backend';
import { exportWorkspaceBackup, restoreWorkspaceBackup } from '../../src-main/services/workspace-backup';
import { backupMagic, sha256OfFile } from '../../src-main/workspace/backup-format';
import { migration001Initial } from '../../src-main/workspace/migrations/001-initial';
import { currentSchemaVersion, openWorkspace } from '../../src-main/workspace/open-workspace';
import { writeTinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { dumpWorkspace, integrityReport, withoutTables } from '../fixtures/bad/workspace-dump';
import { createTestBackend } from '../helpers/in-process-bridge';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-backup-');
let backend: Backend;
let targetId: number;
let datasetId: number;
let backupFile: string;

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    }),
    text: () => text,
  };
}

async function cli(args: string[], workspaceFile: string): Promise<{ code: number; out: string; err: string }> {
  const out = capture();
  const err = capture();
  let code: number;
  try {
    code = await backupCommand({ out: out.stream, err: err.stream }, { args, workspaceFile, json: true });
  } catch (error) {
    // cli.ts prints a MiaError as "message [code]" and exits 1; the command itself throws it.
    const { code: errorCode, message } = error as { code: string; message: string };
    return { code: 1, out: out.text(), err: `${message} [${errorCode}]` };
  }
  return { code, out: out.text(), err: err.text() };
}

beforeAll(async () => {
  backend = createTestBackend(dir).backend;
  const kit = await writeTinyKit(path.join(dir, 'kit'), 30);
  const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kit.manifest });
  const model = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: kit.model });
  if (!dataset.ok || !model.ok) throw new Error('the tiny kit did not import');
  datasetId = (dataset.data as { dataset: { id: number } }).dataset.id;
  targetId = (model.data as { id: number }).id;
  for (const attack of ['loss', 'entropy']) {
    const started = await backend.router.dispatch('runs.start', { attack, targetModelId: targetId, datasetId, seed: 4 });
    if (!started.ok) throw new Error(started.error.message);
  }
  await backend.idle();
}, 120_000);

afterAll(async () => {
  await backend?.idle();
  backend?.close();
});

describe('workspace backup', () => {
  it('exports the workspace through `mia backup export` and records the export', async () => {
    backupFile = path.join(dir, 'workspace.mia-backup');
    const result = await cli(['export', backupFile], path.join(dir, 'workspace.sqlite'));
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out) as { file: string; sha256: string; bytes: number; counts: Record<string, number> };
    expect(summary).toMatchObject({ file: backupFile, counts: { datasets: 1, records: 30, models: 1, runs: 2 } });
    expect(summary.sha256).toBe(await sha256OfFile(backupFile));
    expect(fs.readFileSync(backupFile).subarray(0, backupMagic.length).toString()).toBe(backupMagic);
    const recorded = backend.db.prepare("SELECT kind, path, run_ids, sha256 FROM exports WHERE kind = 'workspace-backup'").all();
    expect(recorded).toEqual([{ kind: 'workspace-backup', path: backupFile, run_ids: '[1,2]', sha256: summary.sha256 }]);
    // No temporary files left beside the backup.
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('restores it elsewhere with the same rows in every table, and the restored workspace runs attacks', async () => {
    const restored = path.join(dir, 'elsewhere', 'restored.sqlite');
    const result = await cli(['restore', backupFile], restored);
    expect(result.code, result.err).toBe(0);
    const copy = openWorkspace(restored);
    try {
      expect(integrityReport(copy)).toBe('ok');
      // The export row was written after the snapshot was taken, so only `exports` differs.
      expect(withoutTables(dumpWorkspace(copy), 'exports')).toEqual(withoutTables(dumpWorkspace(backend.db), 'exports'));
    } finally {
      copy.close();
    }
    const other = createTestBackend(path.dirname(restored), 'restored.sqlite').backend;
    try {
      const started = await other.router.dispatch('runs.start', { attack: 'confidence', targetModelId: targetId, datasetId, seed: 4 });
      expect(started.ok).toBe(true);
      await other.idle();
      const run = await other.router.dispatch('runs.get', { runId: (started as { ok: true; data: RunSummary }).data.id });
      expect(run).toMatchObject({ ok: true, data: { status: 'finished' } });
    } finally {
      other.close();
    }
  });

  it('takes a consistent snapshot while a run is in progress, and restores that run as interrupted', async () => {
    const started = await backend.router.dispatch('runs.start', { attack: 'loss', targetModelId: targetId, datasetId, seed: 5 });
    expect(started.ok).toBe(true);
    const runId = (started as { ok: true; data: RunSummary }).data.id;
    const file = path.join(dir, 'mid-run.mia-backup');
    const summary = await exportWorkspaceBackup(backend.db, file);
    expect(summary.header.runIds).toContain(runId);
    await backend.idle();
    const restored = path.join(dir, 'mid-run', 'workspace.sqlite');
    await restoreWorkspaceBackup(file, restored);
    const copy = openWorkspace(restored);
    try {
      expect(integrityReport(copy)).toBe('ok');
      const row = copy.prepare('SELECT status, error FROM runs WHERE id = ?').get(runId) as { status: string; error: string };
      expect(row.status).toBe('interrupted');
      expect(JSON.parse(row.error)).toMatchObject({ code: 'run.interrupted' });
      expect(copy.prepare('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?').get(runId)).toEqual({ n: 0 });
    } finally {
      copy.close();
    }
  });

  it('restores a backup of a schema-1 workspace (the first release), settling its run and migrating it', async () => {
    const oldFile = path.join(dir, 'schema-1', 'workspace.sqlite');
    fs.mkdirSync(path.dirname(oldFile), { recursive: true });
    const old = new Database(oldFile);
    old.exec(migration001Initial.sql);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    old.prepare("INSERT INTO schema_migrations VALUES (1, 'initial', '2026-01-01T00:00:00Z')").run();
    const now = new Date().toISOString();
    const oldDataset = Number(old.prepare("INSERT INTO datasets (name, source_kind, source_path, root_path, status, created_at) VALUES ('d', 'manifest-csv', 'm.csv', '.', 'ready', ?)").run(now).lastInsertRowid);
    const oldModel = Number(old.prepare("INSERT INTO models (name, kind, role, files, sha256, config, io, created_at) VALUES ('m', 'classifier', 'target', '{}', 'h', '{}', '{}', ?)").run(now).lastInsertRowid);
    const oldRun = Number(
      old
        .prepare("INSERT INTO runs (attack, family, target_model_id, dataset_id, config, status, engine_version, model_hash, data_hash, created_at, owner_pid) VALUES ('loss', 'classifier', ?, ?, '{}', 'running', 'old', 'h', 'd', ?, ?)")
        .run(oldModel, oldDataset, now, process.pid).lastInsertRowid,
    );
    const file = path.join(dir, 'schema-1.mia-backup');
    await exportWorkspaceBackup(old, file);
    old.close();
    const restored = path.join(dir, 'schema-1-restored', 'workspace.sqlite');
    await restoreWorkspaceBackup(file, restored);
    const copy = openWorkspace(restored);
    try {
      expect(integrityReport(copy)).toBe('ok');
      expect((copy.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(currentSchemaVersion);
      expect((copy.prepare('SELECT status FROM runs WHERE id = ?').get(oldRun) as { status: string }).status).toBe('interrupted');
      expect(copy.prepare('SELECT COUNT(*) AS n FROM training_jobs').get()).toEqual({ n: 0 });
    } finally {
      copy.close();
    }
  });

  describe('refuses a damaged backup, writing nothing', () => {
    const damaged = (name: string, change: (bytes: Buffer) => Buffer): string => {
      const file = path.join(dir, 'damaged', name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, change(fs.readFileSync(backupFile)));
      return file;
    };
    const headerEnd = () => fs.readFileSync(backupFile).indexOf(0x0a, backupMagic.length);

    const cases: [string, () => string, string, RegExp][] = [
      ['a copy cut off in the database', () => damaged('cut.mia-backup', (b) => b.subarray(0, Math.floor(b.length * 0.7))), 'backup.truncated', /cut off/],
      ['a copy cut off in its header', () => damaged('cut-header.mia-backup', (b) => b.subarray(0, backupMagic.length + 20)), 'backup.truncated', /cut off/],
      ['a copy without its end marker', () => damaged('no-end.mia-backup', (b) => b.subarray(0, b.length - 3)), 'backup.truncated', /cut off/],
      ['one flipped byte in the database', () => damaged('flip.mia-backup', (b) => flip(b, headerEnd() + 5000)), 'backup.corrupt', /checksum/],
      ['an edited header', () => damaged('header.mia-backup', (b) => Buffer.from(b.toString('latin1').replace('"engineVersion":"', '"engineVersion":"9'), 'latin1')), 'backup.corrupt', /./],
      ['extra bytes at the end', () => damaged('extra.mia-backup', (b) => Buffer.concat([b, Buffer.from('more')])), 'backup.corrupt', /more than its header promises/],
      ['a file that is not a backup', () => damaged('plain.mia-backup', () => Buffer.from('SQLite format 3\u0000 or anything else')), 'backup.not-a-backup', /not a workbench backup/],
    ];
    for (const [what, make, code, message] of cases) {
      it(`refuses ${what} (${code})`, async () => {
        const file = make();
        const target = path.join(dir, 'refused', `${path.basename(file)}.sqlite`);
        const result = await cli(['restore', file], target);
        expect(result.code).toBe(1);
        expect(result.err).toContain(`[${code}]`);
        expect(result.err).toMatch(message);
        expect(result.err).toContain(path.basename(file));
        expect(fs.existsSync(target)).toBe(false);
        expect(fs.readdirSync(path.dirname(target)).filter((name) => name.startsWith('.'))).toEqual([]);
      });
    }

    it('refuses to restore over an existing workspace', async () => {
      const result = await cli(['restore', backupFile], path.join(dir, 'workspace.sqlite'));
      expect(result).toMatchObject({ code: 1, err: expect.stringContaining('[backup.target-exists]') });
    });
  });

  it('explains its usage when the action or file is missing (exit 2)', async () => {
    const result = await cli(['frobnicate'], path.join(dir, 'x.sqlite'));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/mia backup export FILE/);
  });
});

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0xff;
  return copy;
}
