// `mia export RUN_ID… [--pdf FILE] [--csv FILE] [--title … --date] [--force] [--workspace FILE]`: the same report and
// CSVs as the app's export, all files or none; an existing file is replaced only with --force. The cover options are
// checked with the contract's own schema (ReportCover), so the limits are the app's.
import { ReportCover } from '../../../src-shared/contract/contract';
import { openWorkspace } from '../../workspace/open-workspace';
import { exportRuns } from '../../services/reports/export-service';
import type { CliIo } from '../cli-io';

export async function exportCommand(
  io: CliIo,
  options: {
    runIds: string[];
    pdf?: string;
    csv?: string;
    workspaceFile: string;
    title?: string;
    /** The cover options as typed (`--title --client --auditor --scope --date`), unchecked. */
    cover?: Record<string, string | undefined>;
    force?: boolean;
  },
): Promise<number> {
  const runIds = options.runIds.map(Number);
  const bad = options.runIds.find((id, i) => !Number.isInteger(runIds[i]) || runIds[i]! <= 0);
  if (options.runIds.length === 0 || bad !== undefined) {
    io.err.write(bad !== undefined ? `"${bad}" is not a run id (a positive whole number).\n` : 'mia export needs one or more run ids.\n');
    return 2;
  }
  if (!options.pdf && !options.csv) {
    io.err.write('mia export needs --pdf FILE and/or --csv FILE.\n');
    return 2;
  }
  const typed = Object.fromEntries(Object.entries(options.cover ?? {}).filter(([, value]) => value !== undefined));
  const cover = ReportCover.safeParse(typed);
  if (!cover.success) {
    const issue = cover.error.issues[0]!;
    io.err.write(`--${String(issue.path[0] ?? 'cover')} ${issue.message}.\n`);
    return 2;
  }
  const db = openWorkspace(options.workspaceFile);
  try {
    const { files } = await exportRuns(db, {
      runIds,
      force: options.force ?? false,
      ...(options.pdf ? { pdf: options.pdf } : {}),
      ...(options.csv ? { csv: options.csv } : {}),
      ...(options.title ? { title: options.title } : {}),
      cover: cover.data,
    });
    for (const file of files) io.out.write(`${file.kind.toUpperCase()} ${file.path}\n`);
    return 0;
  } finally {
    db.close();
  }
}
