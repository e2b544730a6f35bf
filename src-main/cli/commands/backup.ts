// `mia backup export FILE [--workspace W] [--json]`: the whole workspace as one checksummed, signed file.
// `mia backup restore FILE [--workspace W] [--json]`: a backup into a new workspace file W (never over one),
// saying who signed it.
import { describeSigner } from '../../services/signing/installation-key';
import { exportWorkspaceBackup, restoreWorkspaceBackup, type BackupSummary } from '../../services/workspace-backup';
import { openWorkspace } from '../../workspace/open-workspace';
import type { CliIo } from '../cli-io';

export const backupUsage = `  mia backup export FILE [--workspace FILE] [--json]
                                                   write the whole workspace to one checksummed backup FILE,
                                                   signed with this installation's key
  mia backup restore FILE --workspace NEWFILE [--json]
                                                   check a backup and restore it as a new workspace file;
                                                   says whether this installation's key signed it`;

export async function backupCommand(
  io: CliIo,
  options: { args: readonly string[]; workspaceFile: string; json: boolean },
): Promise<number> {
  const [action, file, ...extra] = options.args;
  if ((action !== 'export' && action !== 'restore') || !file || extra.length > 0) {
    io.err.write(`mia backup needs "export FILE" or "restore FILE".\n\nUsage:\n${backupUsage}\n`);
    return 2;
  }
  let summary: BackupSummary;
  if (action === 'export') {
    const db = openWorkspace(options.workspaceFile);
    try {
      summary = await exportWorkspaceBackup(db, file);
    } finally {
      db.close();
    }
  } else {
    summary = await restoreWorkspaceBackup(file, options.workspaceFile);
  }
  const { counts } = summary.header;
  if (options.json) {
    io.out.write(
      `${JSON.stringify({ action, file: summary.file, bytes: summary.bytes, sha256: summary.sha256, schemaVersion: summary.header.schemaVersion, counts, signer: summary.signer }, null, 2)}\n`,
    );
  } else {
    const what = `${counts.datasets} datasets (${counts.records} records), ${counts.models} models, ${counts.runs} runs`;
    io.out.write(
      action === 'export'
        ? `Backed up ${options.workspaceFile} to ${summary.file}: ${what}; ${summary.bytes} bytes, SHA-256 ${summary.sha256}; ${describeSigner(summary.signer)}.\n`
        : `Restored ${file} as ${summary.file} after checking its checksums${summary.signer.kind === 'unsigned' ? '' : ' and signature'}: ${what}.\n${restoredSignerNote(summary)}\n`,
    );
  }
  return 0;
}

/** Restore says plainly what the signature does and does not prove for this copy. */
function restoredSignerNote(summary: BackupSummary): string {
  switch (summary.signer.kind) {
    case 'this-installation':
      return `The backup is ${describeSigner(summary.signer)}: it is exactly what this installation exported.`;
    case 'another-key':
      return `The backup is ${describeSigner(summary.signer)}: it is intact as that key's owner wrote it; check the fingerprint with them if you did not expect it.`;
    case 'unsigned':
      return 'The backup is unsigned (written before backups were signed, or with its signature removed): its checksums show it is intact, but not who wrote it.';
  }
}
