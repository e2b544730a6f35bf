// Workspace backup and restore: the whole workspace as one checksummed file signed with this installation's key
// (format in ../workspace/backup-format.ts), and a restore that refuses a damaged, cut-off or edited copy before it
// writes anything and says who signed it. Exports are recorded in the workspace's `exports` table (kind 'workspace-backup').
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { engineVersion } from '../common/engine-version';
import { MiaError } from '../common/errors';
import { sha256OfFile } from '../common/file-sha256';
import { readBackupFile, writeBackupFile, type BackupDescription, type BackupHeader } from '../workspace/backup-format';
import { settleRestoredRows, snapshotInto } from '../workspace/backup-snapshot';
import { recordExports } from '../workspace/exports-repo';
import { currentSchemaVersion, openWorkspace, workspaceIntegrity, type WorkspaceDb } from '../workspace/open-workspace';
import { withWorkspaceErrors, workspaceErrorFrom } from '../workspace/sqlite-errors';
import { allRowCounts, allRunIds, appliedSchemaVersion } from '../workspace/workspace-facts';
import { identifySigner, installationKey, type Signer } from './signing/installation-key';

export interface BackupSummary {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly header: BackupHeader;
  /** Export: this installation. Restore: this installation, another key, or unsigned (a backup from before signing). */
  readonly signer: Signer;
  /** Row id in the `exports` table (export only). */
  readonly exportId?: number;
}

/**
 * Writes a backup of the open workspace to `target` (replacing a file already there only once the new one is
 * complete). The snapshot is taken with `VACUUM INTO`: one read transaction, so it is consistent even while a run
 * streams scores in, and compact. A run in progress is in the backup as it stood; restore marks it interrupted.
 */
export async function exportWorkspaceBackup(db: WorkspaceDb, target: string): Promise<BackupSummary> {
  const file = path.resolve(target);
  const folder = path.dirname(file);
  if (!fs.existsSync(folder))
    throw new MiaError('backup.folder-missing', `Cannot write the backup ${file}: the folder ${folder} does not exist.`, { file });
  // Temporary files beside the target, so the final rename is atomic and the space is taken from the right disk.
  const snapshot = path.join(folder, `.${path.basename(file)}.${process.pid}.snapshot`);
  const partial = path.join(folder, `.${path.basename(file)}.${process.pid}.partial`);
  await cleanUp(snapshot, partial);
  // Before the snapshot: a missing or unusable key stops the backup before it costs anything.
  const key = installationKey();
  try {
    try {
      snapshotInto(db, snapshot);
    } catch (error) {
      throw workspaceErrorFrom(error, `the backup folder ${folder}`);
    }
    const description = {
      ...describeSnapshot(snapshot),
      database: { bytes: fs.statSync(snapshot).size, sha256: await sha256OfFile(snapshot) },
    };
    let header: BackupHeader;
    let sha256: string;
    try {
      ({ header, sha256 } = await writeBackupFile(snapshot, description, partial, key));
    } catch (error) {
      throw workspaceErrorFrom(error, `the backup ${file}`);
    }
    // The export row and the file land together: if the row cannot be written (a full disk), the file is not
    // moved into place, and a backup already at `file` stays as it was.
    const exportId = withWorkspaceErrors(() =>
      db.transaction(() => {
        const [id] = recordExports(db, [{ kind: 'workspace-backup', path: file, runIds: header.runIds, sha256 }]);
        fs.renameSync(partial, file);
        return id!;
      })(),
    );
    return { file, bytes: fs.statSync(file).size, sha256, header, signer: identifySigner(key.publicKey), exportId };
  } finally {
    await cleanUp(snapshot, partial);
  }
}

/**
 * Restores a backup into a new workspace file `target` (never over an existing one). Every check (format, size,
 * checksums, signature, SQLite integrity, schema version) passes before `target` appears. Runs that were in progress when the
 * backup was taken become `interrupted`, and half-imported datasets are dropped: their owners are not here.
 */
export async function restoreWorkspaceBackup(backupFile: string, target: string): Promise<BackupSummary> {
  const source = path.resolve(backupFile);
  const file = path.resolve(target);
  for (const existing of [file, `${file}-wal`, `${file}-shm`]) {
    if (fs.existsSync(existing)) {
      throw new MiaError(
        'backup.target-exists',
        `Not restoring over ${existing}: it already exists. Choose a new workspace file, or move the old one away first.`,
        { file: existing },
      );
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const staging = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.restoring`);
  await cleanUp(staging);
  try {
    let header: BackupHeader;
    try {
      header = await readBackupFile(source, staging);
    } catch (error) {
      throw workspaceErrorFrom(error, `the folder of ${file}`);
    }
    const signer: Signer = header.version === 2 ? identifySigner(header.signer.publicKey) : { kind: 'unsigned' };
    if (header.schemaVersion > currentSchemaVersion) {
      throw new MiaError(
        'workspace.too-new',
        `The backup ${source} holds schema version ${header.schemaVersion}; this workbench knows versions up to ${currentSchemaVersion}. Restore it with a newer workbench.`,
      );
    }
    settleRestoredWorkspace(staging, source);
    fs.renameSync(staging, file);
    // Opening applies any newer migrations and switches the restored file to WAL, like every workspace.
    openWorkspace(file).close();
    return { file, bytes: fs.statSync(source).size, sha256: header.database.sha256, header, signer };
  } finally {
    await cleanUp(staging, `${staging}-wal`, `${staging}-shm`, `${staging}-journal`);
  }
}

/** What the header says about a snapshot (all but its size and checksum), after checking the snapshot is sound. */
function describeSnapshot(snapshot: string): Omit<BackupDescription, 'database'> {
  const copy = new Database(snapshot, { readonly: true, fileMustExist: true });
  try {
    const integrity = workspaceIntegrity(copy);
    if (integrity !== 'ok')
      throw new MiaError(
        'workspace.corrupt',
        `The workspace snapshot for the backup fails SQLite's integrity check (${integrity}); restore the workspace from an earlier backup.`,
      );
    return {
      format: 'mia-workspace-backup',
      createdAt: new Date().toISOString(),
      engineVersion,
      schemaVersion: appliedSchemaVersion(copy) ?? 0,
      counts: allRowCounts(copy),
      runIds: allRunIds(copy),
    };
  } finally {
    copy.close();
  }
}

/** A restored file's integrity, and the in-progress state of the machine it came from made safe. */
function settleRestoredWorkspace(staging: string, source: string): void {
  const restored = new Database(staging, { fileMustExist: true });
  try {
    const integrity = workspaceIntegrity(restored);
    if (integrity !== 'ok') {
      throw new MiaError(
        'backup.corrupt',
        `The database inside the backup ${source} fails SQLite's integrity check (${integrity}); use another copy.`,
        { file: source },
      );
    }
    settleRestoredRows(restored);
  } finally {
    restored.close();
  }
}

async function cleanUp(...files: string[]): Promise<void> {
  for (const file of files) await fs.promises.rm(file, { force: true });
}
