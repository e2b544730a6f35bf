// Workspace backup: export the whole workspace as one checksummed, signed file (through the CLI command), restore it
// as a new workspace that holds the same rows, and refuse damaged, cut-off, edited-and-rechecksummed or foreign files
// without writing anything. Restore says who signed a backup: this installation, another key, or nobody.
import Database from 'better-sqlite3';
import { createHash, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import { backupCommand } from '../../src-main/cli/commands/backup';
import type { Backend } from '../../src-main/services/backend';
import { exportWorkspaceBackup, restoreWorkspaceBackup } from '../../src-main/services/workspace-backup';
import { fingerprintOf } from '../../src-main/common/signatures';
import { installationKey, installationKeyFile } from '../../src-main/services/signing/installation-key';
import { sha256OfFile } from '../../src-main/common/file-sha256';
import { backupMagic, readBackupFile, writeBackupFile, type BackupHeader } from '../../src-main/workspace/backup-format';
import { migration001Initial } from '../../src-main/workspace/migrations/001-initial';
import { currentSchemaVersion, openWorkspace } from '../../src-main/workspace/open-workspace';
import { importTinyKit, writeTinyKit } from '../fixtures/bad/tiny-classifier-kit';
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

async function cli(args: string[], workspaceFile: string, json = true): Promise<{ code: number; out: string; err: string }> {
  const out = capture();
  const err = capture();
  let code: number;
  try {
    code = await backupCommand({ out: out.stream, err: err.stream }, { args, workspaceFile, json });
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
  ({ datasetId, targetId } = await importTinyKit(backend, kit));
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
    // Signed with the key created on first use in this test file's configuration folder, readable by the user only.
    expect(summary).toMatchObject({ signer: { kind: 'this-installation', fingerprint: fingerprintOf(installationKey().publicKey) } });
    expect(fs.statSync(installationKeyFile()).mode & 0o777).toBe(0o600);
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
    expect(JSON.parse(result.out)).toMatchObject({
      signer: { kind: 'this-installation', fingerprint: fingerprintOf(installationKey().publicKey) },
    });
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
    const oldDataset = Number(
      old
        .prepare(
          "INSERT INTO datasets (name, source_kind, source_path, root_path, status, created_at) VALUES ('d', 'manifest-csv', 'm.csv', '.', 'ready', ?)",
        )
        .run(now).lastInsertRowid,
    );
    const oldModel = Number(
      old
        .prepare(
          "INSERT INTO models (name, kind, role, files, sha256, config, io, created_at) VALUES ('m', 'classifier', 'target', '{}', 'h', '{}', '{}', ?)",
        )
        .run(now).lastInsertRowid,
    );
    const oldRun = Number(
      old
        .prepare(
          "INSERT INTO runs (attack, family, target_model_id, dataset_id, config, status, engine_version, model_hash, data_hash, created_at, owner_pid) VALUES ('loss', 'classifier', ?, ?, '{}', 'running', 'old', 'h', 'd', ?, ?)",
        )
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

  describe('signatures', () => {
    /** The database inside the good backup, with a run's AUC changed: what someone covering up a leak would do. */
    const editedDatabase = async (name: string): Promise<{ file: string; header: BackupHeader }> => {
      const file = path.join(dir, 'attack', `${name}.sqlite`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const header = await readBackupFile(backupFile, file);
      const copy = new Database(file);
      expect(copy.prepare("UPDATE metrics SET value = 0.5 WHERE name = 'auc'").run().changes).toBeGreaterThan(0);
      copy.close();
      return { file, header };
    };
    const restoreInto = (name: string) => path.join(dir, 'signature-restores', name, 'workspace.sqlite');

    it('refuses a backup whose database was edited and whose checksums were recomputed with the format code (backup.bad-signature)', async () => {
      const { file: database, header } = await editedDatabase('recomputed');
      if (header.version !== 2) throw new Error('the backup under test is not signed');
      // The attacker recomputes every checksum with the public writer and keeps naming the installation's key; the
      // only thing they cannot produce is that key's signature, so they sign with their own.
      const forged = path.join(dir, 'attack', 'recomputed.mia-backup');
      const { version: _version, signer: _signer, ...description } = header;
      const attacker = generateKeyPairSync('ed25519').privateKey;
      await writeBackupFile(
        database,
        { ...description, database: { bytes: fs.statSync(database).size, sha256: await sha256OfFile(database) } },
        forged,
        {
          privateKey: attacker,
          publicKey: header.signer.publicKey,
        },
      );
      // The checksums really do match: without the signature this copy would restore.
      const check = path.join(dir, 'attack', 'recomputed-check.sqlite');
      await expect(readBackupFile(forged, check)).rejects.toMatchObject({ code: 'backup.bad-signature' });
      const target = restoreInto('recomputed');
      const result = await cli(['restore', forged], target);
      expect(result).toMatchObject({ code: 1, err: expect.stringContaining('[backup.bad-signature]') });
      expect(result.err).toContain('recomputed.mia-backup');
      expect(fs.existsSync(target)).toBe(false);
      expect(fs.readdirSync(path.dirname(target)).filter((name) => name.startsWith('.'))).toEqual([]);
    });

    it('refuses a backup whose signature line was changed (backup.bad-signature)', async () => {
      const bytes = fs.readFileSync(backupFile);
      const at = bytes.length - 10;
      const copy = Buffer.from(bytes);
      copy[at] = copy[at] === 0x41 ? 0x42 : 0x41;
      const file = path.join(dir, 'attack', 'signature-flip.mia-backup');
      fs.writeFileSync(file, copy);
      const result = await cli(['restore', file], restoreInto('signature-flip'));
      expect(result).toMatchObject({ code: 1, err: expect.stringContaining('[backup.bad-signature]') });
    });

    it('restores a backup signed by another installation and names that key by its fingerprint', async () => {
      const ownConfig = process.env.MIA_CONFIG_DIR;
      const file = path.join(dir, 'other-installation.mia-backup');
      process.env.MIA_CONFIG_DIR = path.join(dir, 'other-config');
      let otherFingerprint: string;
      try {
        await exportWorkspaceBackup(backend.db, file);
        otherFingerprint = fingerprintOf(installationKey().publicKey);
      } finally {
        process.env.MIA_CONFIG_DIR = ownConfig;
      }
      expect(otherFingerprint).not.toBe(fingerprintOf(installationKey().publicKey));
      const result = await cli(['restore', file], restoreInto('other'), false);
      expect(result.code, result.err).toBe(0);
      expect(result.out).toContain(`signed by another key (fingerprint ${otherFingerprint})`);
      const json = await cli(['restore', file], restoreInto('other-json'));
      expect(JSON.parse(json.out)).toMatchObject({ signer: { kind: 'another-key', fingerprint: otherFingerprint } });
    });

    it('still restores an unsigned backup from before signing, and says it is unsigned', async () => {
      const database = path.join(dir, 'attack', 'legacy.sqlite');
      const header = await readBackupFile(backupFile, database);
      const file = path.join(dir, 'legacy.mia-backup');
      fs.writeFileSync(file, unsignedBackup(database, header));
      const result = await cli(['restore', file], restoreInto('legacy'), false);
      expect(result.code, result.err).toBe(0);
      expect(result.out).toMatch(/after checking its checksums: /);
      expect(result.out).toContain('The backup is unsigned');
      const json = await cli(['restore', file], restoreInto('legacy-json'));
      expect(JSON.parse(json.out)).toMatchObject({ signer: { kind: 'unsigned' } });
    });

    it('shows an edited copy repacked without a signature as unsigned, never as signed by this installation', async () => {
      // The limit of what a signature can do: anyone can write an unsigned backup. Restore says so instead of
      // refusing it, because backups from before signing are unsigned too.
      const { file: database, header } = await editedDatabase('stripped');
      const file = path.join(dir, 'attack', 'stripped.mia-backup');
      fs.writeFileSync(file, unsignedBackup(database, header));
      const json = await cli(['restore', file], restoreInto('stripped'));
      expect(json.code, json.err).toBe(0);
      expect(JSON.parse(json.out)).toMatchObject({ signer: { kind: 'unsigned' } });
    });
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
      [
        'a copy cut off in the database',
        () => damaged('cut.mia-backup', (b) => b.subarray(0, Math.floor(b.length * 0.7))),
        'backup.truncated',
        /cut off/,
      ],
      [
        'a copy cut off in its header',
        () => damaged('cut-header.mia-backup', (b) => b.subarray(0, backupMagic.length + 20)),
        'backup.truncated',
        /cut off/,
      ],
      [
        'a copy without its end marker',
        () => damaged('no-end.mia-backup', (b) => b.subarray(0, b.length - 3)),
        'backup.truncated',
        /cut off/,
      ],
      [
        'one flipped byte in the database',
        () => damaged('flip.mia-backup', (b) => flip(b, headerEnd() + 5000)),
        'backup.corrupt',
        /checksum/,
      ],
      [
        'an edited header',
        () =>
          damaged('header.mia-backup', (b) =>
            Buffer.from(b.toString('latin1').replace('"engineVersion":"', '"engineVersion":"9'), 'latin1'),
          ),
        'backup.corrupt',
        /./,
      ],
      [
        'extra bytes at the end',
        () => damaged('extra.mia-backup', (b) => Buffer.concat([b, Buffer.from('more')])),
        'backup.corrupt',
        /more than its header promises/,
      ],
      [
        'a file that is not a backup',
        () => damaged('plain.mia-backup', () => Buffer.from('SQLite format 3\u0000 or anything else')),
        'backup.not-a-backup',
        /not a workbench backup/,
      ],
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

/** A version 1 backup, byte for byte what the workbench wrote before backups were signed. */
function unsignedBackup(databaseFile: string, signed: BackupHeader): Buffer {
  const database = fs.readFileSync(databaseFile);
  const { signer: _signer, ...rest } = signed as Extract<BackupHeader, { version: 2 }>;
  const header = { ...rest, version: 1, database: { bytes: database.length, sha256: createHash('sha256').update(database).digest('hex') } };
  const body = Buffer.concat([Buffer.from(backupMagic), Buffer.from(`${JSON.stringify(header)}\n`), database]);
  return Buffer.concat([body, Buffer.from(`\nEND ${createHash('sha256').update(body).digest('hex')}\n`)]);
}

function flip(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = copy[at]! ^ 0xff;
  return copy;
}
