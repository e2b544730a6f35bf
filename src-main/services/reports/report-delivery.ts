// The UI's report export (reports.export): the renderer names only the runs; where the files go is the front
// door's answer — a path from the app's save dialog (the CSVs beside the PDF), or a private temporary folder whose
// files the headless host hands to the browser as one-time downloads. Each file's detached signature goes with it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExportedFiles as ExportedFilesResponse, ReportCover } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { getRun } from '../../workspace/runs-repo';
import type { FrontDoor } from '../front-door';
import { readRiskPolicy } from '../policy/policy-file';
import { deliverEvidenceBundle } from '../evidence/bundle-delivery';
import { signatureFileOf } from '../signing/file-signature';
import { exportRuns, metricsCsvPath, type ExportedFiles } from './export-service';

type DeliveredFile = { kind: 'pdf' | 'csv' | 'signature'; path: string; sha256: string };

export interface ReportDeliveryRequest {
  readonly runIds: number[];
  readonly title?: string | undefined;
  readonly cover?: ReportCover | undefined;
  /** One signed evidence bundle instead of the PDF, CSVs and their signatures. */
  readonly bundle?: boolean | undefined;
  /** A risk policy file whose verdict the PDF's first page gives; read before anything is asked or written. */
  readonly policyPath?: string | undefined;
  readonly memberPrior?: number | undefined;
}

/** `mia-report-run-3`, `mia-report-runs-3-4-7`, or `mia-report-12-runs` when the ids would make a long name. */
export function reportBaseName(runIds: readonly number[]): string {
  if (runIds.length === 1) return `mia-report-run-${runIds[0]}`;
  return runIds.length <= 4 ? `mia-report-runs-${runIds.join('-')}` : `mia-report-${runIds.length}-runs`;
}

/** The per-record scores CSV beside a PDF: `audit.pdf` → `audit.scores.csv` (its metrics: `audit.scores.metrics.csv`). */
export function scoresCsvBeside(pdfPath: string): string {
  const parsed = path.parse(pdfPath);
  return path.join(parsed.dir, `${parsed.name}.scores.csv`);
}

/** The export's files, then the detached signature written beside each one (a few hundred bytes each). */
function withSignatures(written: ExportedFiles): DeliveredFile[] {
  const signatures = written.files.map((file) => signatureFileOf(file.path)).filter((file) => fs.existsSync(file));
  return [
    ...written.files,
    ...signatures.map((file) => ({
      kind: 'signature' as const,
      path: file,
      sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
    })),
  ];
}

export async function deliverReport(db: WorkspaceDb, frontDoor: FrontDoor, request: ReportDeliveryRequest): Promise<ExportedFilesResponse> {
  // Refused before anyone is asked where to save: no dialog opens for an export that cannot be written.
  for (const runId of request.runIds) {
    const run = getRun(db, runId);
    if (run.status !== 'finished')
      throw new MiaError('export.run-not-finished', `Run ${runId} is ${run.status}; only finished runs are exported.`, { runId });
  }
  const policy = request.policyPath === undefined ? undefined : readRiskPolicy(request.policyPath);
  const baseName = reportBaseName(request.runIds);
  if (request.bundle) return deliverEvidenceBundle(db, frontDoor, { ...request, baseName, ...(policy ? { policy } : {}) });
  const destination = await frontDoor.chooseExportDestination(`${baseName}.pdf`);
  if (!destination) return { delivery: 'cancelled', files: [] };
  const write = async (pdf: string, force: boolean): Promise<DeliveredFile[]> =>
    withSignatures(
      await exportRuns(db, {
        runIds: request.runIds,
        pdf,
        csv: scoresCsvBeside(pdf),
        force,
        ...(request.title ? { title: request.title } : {}),
        ...(request.cover ? { cover: request.cover } : {}),
        ...(policy ? { policy } : {}),
        ...(request.memberPrior !== undefined ? { memberPrior: request.memberPrior } : {}),
      }),
    );

  if (destination.kind === 'file') {
    const pdf = destination.pdfPath;
    if (!path.isAbsolute(pdf)) throw new MiaError('export.bad-destination', `The export destination ${pdf} is not an absolute path.`);
    // The save dialog confirmed one name; files of the export that already exist are replaced only when the person
    // confirms them all. Without a way to ask, exportRuns refuses them (export.file-exists).
    const targets = [pdf, scoresCsvBeside(pdf), metricsCsvPath(scoresCsvBeside(pdf))];
    const existing = [...targets, ...targets.map(signatureFileOf)].filter((file) => fs.existsSync(file));
    let force = false;
    if (existing.length > 0 && frontDoor.confirmOverwrite) {
      if (!(await frontDoor.confirmOverwrite(existing))) return { delivery: 'cancelled', files: [] };
      force = true;
    }
    const files = await write(pdf, force);
    return {
      delivery: 'saved',
      files: files.map((file) => ({
        kind: file.kind,
        name: path.basename(file.path),
        sha256: file.sha256,
        path: file.path,
        download: null,
      })),
    };
  }

  // mkdtemp makes the folder readable by this user only; nothing outside the host learns its name.
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-download-'));
  let offered = false;
  try {
    const files = await write(path.join(folder, `${baseName}.pdf`), false);
    const urls = destination.offer(
      folder,
      files.map((file) => ({ path: file.path, name: path.basename(file.path) })),
    );
    offered = true;
    return {
      delivery: 'download',
      files: files.map((file, index) => ({
        kind: file.kind,
        name: path.basename(file.path),
        sha256: file.sha256,
        path: null,
        download: urls[index]!,
      })),
    };
  } finally {
    if (!offered) fs.rmSync(folder, { recursive: true, force: true });
  }
}
