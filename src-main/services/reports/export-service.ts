// Exports chosen runs as a PDF report and/or CSV files, all-or-nothing, and records each export in the workspace.
import fs from 'node:fs';
import path from 'node:path';
import type { ReportCover } from '../../../src-shared/contract/contract';
import { writeFilesAtomically, type PlannedFile } from '../../common/atomic-files';
import { MiaError } from '../../common/errors';
import { recordExports } from '../../workspace/exports-repo';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import type { RiskPolicy } from '../policy/policy-file';
import { createRunScoresReader } from '../run-report-scores';
import { withDetachedSignatures } from '../signing/file-signature';
import { writeMetricsCsv, writeScoresCsv } from './export-csv';
import { writePdfReport } from './pdf-report';
import { buildAuditReport } from './report-model';

export interface ExportRequest {
  readonly runIds: readonly number[];
  readonly pdf?: string;
  /** Per-record scores go here; the metrics go beside it as `<name>.metrics.csv`. */
  readonly csv?: string;
  readonly title?: string;
  /** The cover page's fields (contract's ReportCover, already parsed); the PDF's title is the cover's when it has one. */
  readonly cover?: ReportCover;
  /** Replace files that already exist (the user confirmed it, or passed `--force`); otherwise `export.file-exists`. */
  readonly force?: boolean;
  /** A risk policy, already read: the PDF's first page gives its verdict per target; without one it says none was applied. */
  readonly policy?: RiskPolicy;
  /** The prior fraction of members the PDF states precision for; default DEFAULT_MEMBER_PRIOR. */
  readonly memberPrior?: number;
}

type ExportKind = 'pdf' | 'csv';

export interface ExportedFiles {
  readonly files: { kind: ExportKind; path: string; sha256: string }[];
}

export function metricsCsvPath(scoresCsv: string): string {
  const parsed = path.parse(scoresCsv);
  return path.join(parsed.dir, `${parsed.name}.metrics${parsed.ext || '.csv'}`);
}

/** The UI's export: report.pdf, scores.csv and scores.metrics.csv into a folder that must already exist. */
export async function exportRunsToFolder(
  db: WorkspaceDb,
  request: { runIds: number[]; folder: string; title?: string | undefined; force?: boolean | undefined },
): Promise<ExportedFiles> {
  const folder = path.resolve(request.folder);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new MiaError('export.no-folder', `The export folder ${folder} does not exist; choose an existing folder.`, { folder });
  }
  return exportRuns(db, {
    runIds: request.runIds,
    pdf: path.join(folder, 'report.pdf'),
    csv: path.join(folder, 'scores.csv'),
    ...(request.title ? { title: request.title } : {}),
    ...(request.force ? { force: true } : {}),
  });
}

/** The files an export consists of, in writing order; a further file of the export (a signature) is one more entry. */
function plannedExportFiles(db: WorkspaceDb, request: ExportRequest): (PlannedFile & { kind: ExportKind })[] {
  const files: (PlannedFile & { kind: ExportKind })[] = [];
  // One reader for the whole export: the PDF and the scores CSV read and rank each run's scores once, together.
  const scoresOf = createRunScoresReader(db);
  if (request.pdf) {
    // Built inside the write, after the targets were checked: an export refused for an existing file costs nothing.
    const options = {
      ...(request.title ? { title: request.title } : {}),
      ...(request.cover ? { cover: request.cover } : {}),
      ...(request.policy ? { policy: request.policy } : {}),
      ...(request.memberPrior !== undefined ? { memberPrior: request.memberPrior } : {}),
    };
    const report = () => buildAuditReport(db, request.runIds, options, scoresOf);
    files.push({ kind: 'pdf', path: path.resolve(request.pdf), write: (temp) => writePdfReport(report(), temp) });
  }
  if (request.csv) {
    const scores = path.resolve(request.csv);
    files.push({ kind: 'csv', path: scores, write: (temp) => void writeScoresCsv(db, request.runIds, temp, scoresOf) });
    files.push({ kind: 'csv', path: metricsCsvPath(scores), write: (temp) => void writeMetricsCsv(db, request.runIds, temp) });
  }
  return files;
}

export async function exportRuns(db: WorkspaceDb, request: ExportRequest): Promise<ExportedFiles> {
  const planned = plannedExportFiles(db, request);
  // Each file's detached signature (NAME.sig) joins the same all-or-nothing set, after the files it signs.
  const written = (await writeFilesAtomically(withDetachedSignatures(planned), { force: request.force ?? false })).slice(0, planned.length);
  const files = written.map((file, i) => ({ kind: planned[i]!.kind, path: file.path, sha256: file.sha256 }));
  // Recorded only once every file is in place, so the table never lists an export that did not happen.
  recordExports(
    db,
    files.map((file) => ({ ...file, runIds: request.runIds })),
  );
  return { files };
}
