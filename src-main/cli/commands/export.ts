// `mia export RUN_ID… [--pdf FILE] [--csv FILE] [--bundle FILE] [--title … --date] [--force] [--workspace FILE]`: the
// same report and CSVs as the app's export (or one signed evidence bundle holding them), all files or none; an
// existing file is replaced only with --force. The cover options are checked with the contract's own schema
// (ReportCover), so the limits are the app's.
import { parsePriorOption } from '../prior-option';
import { ReportCover } from '../../../src-shared/contract/contract';
import { readRiskPolicy } from '../../services/policy/policy-file';
import { openWorkspace } from '../../workspace/open-workspace';
import { exportRuns } from '../../services/reports/export-service';
import { exportEvidenceBundle } from '../../services/evidence/bundle-export';
import type { CliIo } from '../cli-io';

export async function exportCommand(
  io: CliIo,
  options: {
    runIds: string[];
    pdf?: string;
    csv?: string;
    /** `--bundle FILE`: one signed evidence archive (PDF, CSVs, configs, provenance) instead of loose files. */
    bundle?: string;
    workspaceFile: string;
    title?: string;
    /** The cover options as typed (`--title --client --auditor --scope --date`), unchecked. */
    cover?: Record<string, string | undefined>;
    force?: boolean;
    /** `--policy FILE`: the PDF's first page gives this risk policy's verdict per target. */
    policy?: string;
    /** `--prior FRACTION`: the share of members precision is stated for in the PDF (default 0.01). */
    prior?: string;
  },
): Promise<number> {
  const runIds = options.runIds.map(Number);
  const bad = options.runIds.find((id, i) => !Number.isInteger(runIds[i]) || runIds[i]! <= 0);
  if (options.runIds.length === 0 || bad !== undefined) {
    io.err.write(bad !== undefined ? `"${bad}" is not a run id (a positive whole number).\n` : 'mia export needs one or more run ids.\n');
    return 2;
  }
  if (!options.pdf && !options.csv && !options.bundle) {
    io.err.write('mia export needs --pdf FILE and/or --csv FILE, or --bundle FILE.\n');
    return 2;
  }
  const typed = Object.fromEntries(Object.entries(options.cover ?? {}).filter(([, value]) => value !== undefined));
  const cover = ReportCover.safeParse(typed);
  if (!cover.success) {
    const issue = cover.error.issues[0]!;
    io.err.write(`--${String(issue.path[0] ?? 'cover')} ${issue.message}.\n`);
    return 2;
  }
  const prior = parsePriorOption('export', options.prior);
  if (!prior.ok) {
    io.err.write(prior.message);
    return 2;
  }
  // Read before the workspace is opened: a bad policy is refused (exit 2) before any file is written.
  const policy = options.policy === undefined ? undefined : readRiskPolicy(options.policy);
  const db = openWorkspace(options.workspaceFile);
  try {
    if (options.bundle) {
      const bundle = await exportEvidenceBundle(db, {
        runIds,
        file: options.bundle,
        force: options.force ?? false,
        ...(options.title ? { title: options.title } : {}),
        cover: cover.data,
        ...(policy ? { policy } : {}),
        ...(prior.prior !== undefined ? { memberPrior: prior.prior } : {}),
      });
      io.out.write(`BUNDLE ${bundle.file} (${bundle.entries.length + 2} entries, signed by key ${bundle.signer.fingerprint})\n`);
      if (!options.pdf && !options.csv) return 0;
    }
    const { files } = await exportRuns(db, {
      runIds,
      force: options.force ?? false,
      ...(options.pdf ? { pdf: options.pdf } : {}),
      ...(options.csv ? { csv: options.csv } : {}),
      ...(options.title ? { title: options.title } : {}),
      cover: cover.data,
      ...(policy ? { policy } : {}),
      ...(prior.prior !== undefined ? { memberPrior: prior.prior } : {}),
    });
    for (const file of files) io.out.write(`${file.kind.toUpperCase()} ${file.path}\n`);
    return 0;
  } finally {
    db.close();
  }
}
