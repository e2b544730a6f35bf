// Exports chosen runs as a PDF report and/or CSV files, and records each export in the workspace.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MiaError } from '../../common/errors';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { writeMetricsCsv, writeScoresCsv } from './export-csv';
import { writePdfReport } from './pdf-report';
import { buildAuditReport } from './report-model';

export interface ExportRequest {
  readonly runIds: readonly number[];
  readonly pdf?: string;
  /** Per-record scores go here; the metrics go beside it as `<name>.metrics.csv`. */
  readonly csv?: string;
  readonly title?: string;
}

export interface ExportedFiles {
  readonly files: { kind: 'pdf' | 'csv'; path: string; sha256: string }[];
}

export function metricsCsvPath(scoresCsv: string): string {
  const parsed = path.parse(scoresCsv);
  return path.join(parsed.dir, `${parsed.name}.metrics${parsed.ext || '.csv'}`);
}

/** The UI's export: report.pdf, scores.csv and scores.metrics.csv into a folder that must already exist. */
export async function exportRunsToFolder(db: WorkspaceDb, request: { runIds: number[]; folder: string; title?: string | undefined }): Promise<ExportedFiles> {
  const folder = path.resolve(request.folder);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new MiaError('export.no-folder', `The export folder ${folder} does not exist; choose an existing folder.`, { folder });
  }
  return exportRuns(db, {
    runIds: request.runIds,
    pdf: path.join(folder, 'report.pdf'),
    csv: path.join(folder, 'scores.csv'),
    ...(request.title ? { title: request.title } : {}),
  });
}

export async function exportRuns(db: WorkspaceDb, request: ExportRequest): Promise<ExportedFiles> {
  const files: ExportedFiles['files'] = [];
  const record = db.prepare('INSERT INTO exports (kind, path, run_ids, sha256, created_at) VALUES (?, ?, ?, ?, ?)');
  const remember = (kind: 'pdf' | 'csv', file: string): void => {
    const sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    record.run(kind, file, JSON.stringify(request.runIds), sha256, new Date().toISOString());
    files.push({ kind, path: file, sha256 });
  };
  if (request.pdf) {
    const file = path.resolve(request.pdf);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await writePdfReport(buildAuditReport(db, request.runIds, request.title ? { title: request.title } : {}), file);
    remember('pdf', file);
  }
  if (request.csv) {
    const file = path.resolve(request.csv);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeScoresCsv(db, request.runIds, file);
    remember('csv', file);
    const metricsFile = metricsCsvPath(file);
    writeMetricsCsv(db, request.runIds, metricsFile);
    remember('csv', metricsFile);
  }
  return { files };
}
