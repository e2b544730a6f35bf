// `mia backup export FILE [--workspace W] [--json]`: the whole workspace as one checksummed file.
// `mia backup restore FILE [--workspace W] [--json]`: a backup into a new workspace file W (never over one).
import { exportWorkspaceBackup, restoreWorkspaceBackup, type BackupSummary } from '../../services/workspace-backup';
import { openWorkspace } from '../../workspace/open-workspace';
import type { CliIo } from '../cli-io';

export const backupUsage = `  mia backup export FILE [--workspace FILE] [--json]
                                                   write the whole workspace to one checksummed backup FILE
  mia backup restore FILE --workspace NEWFILE [--json]
                                                   check a backup and restore it as a new workspace file`;

export async function backupCommand(io: CliIo, options: { args: readonly string[]; workspaceFile: string; json: boolean }): Promise<number> {
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
    io.out.write(`${JSON.stringify({ action, file: summary.file, bytes: summary.bytes, sha256: summary.sha256, schemaVersion: summary.header.schemaVersion, counts }, null, 2)}\n`);
  } else {
    const what = `${counts.datasets} datasets (${counts.records} records), ${counts.models} models, ${counts.runs} runs`;
    io.out.write(
      action === 'export'
        ? `Backed up ${options.workspaceFile} to ${summary.file}: ${what}; ${summary.bytes} bytes, SHA-256 ${summary.sha256}.\n`
        : `Restored ${file} as ${summary.file} after checking its checksums: ${what}.\n`,
    );
  }
  return 0;
}
