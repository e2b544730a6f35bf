// `mia export --bundle FILE`: one signed archive holding what an auditor hands over as evidence — the PDF report, the
// scores and metrics CSVs (exactly the export's), each run's stored and rebuilt configs, and the provenance — with a
// manifest of SHA-256s signed by this installation's key (bundle-format.ts). Written all-or-nothing like every export.
import type { RiskPolicy } from '../policy/policy-file';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReportCover } from '../../../src-shared/contract/contract';
import { writeFilesAtomically } from '../../common/atomic-files';
import { engineVersion } from '../../common/engine-version';
import type { TarEntry } from '../../common/tar-archive';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { writeMetricsCsv, writeScoresCsv } from '../reports/export-csv';
import { writePdfReport } from '../reports/pdf-report';
import { buildAuditReport } from '../reports/report-model';
import { createRunScoresReader } from '../run-report-scores';
import { installationKey, identifySigner, type KeySigner } from '../signing/installation-key';
import { runConfigs } from './bundle-configs';
import { packEvidenceBundle } from './bundle-format';
import { collectProvenance } from './bundle-provenance';

/** Entry names inside a bundle; replay and the tests read them by these names. */
export const bundleEntries = {
  pdf: 'report.pdf',
  scores: 'scores.csv',
  metrics: 'scores.metrics.csv',
  provenance: 'provenance.json',
  runConfig: (runId: number) => `configs/run-${runId}.json`,
  auditConfig: (runId: number) => `configs/run-${runId}.audit.json`,
} as const;

export interface BundleRequest {
  readonly runIds: readonly number[];
  readonly file: string;
  readonly title?: string;
  readonly cover?: ReportCover;
  readonly force?: boolean;
  /** A risk policy, already read: the bundle's PDF gives its verdict on the first page, as a plain export's does. */
  readonly policy?: RiskPolicy;
  /** The share of members the PDF's precision is stated for. */
  readonly memberPrior?: number;
}

export interface ExportedBundle {
  readonly file: string;
  readonly sha256: string;
  readonly entries: readonly string[];
  readonly signer: KeySigner;
}

export async function exportEvidenceBundle(db: WorkspaceDb, request: BundleRequest): Promise<ExportedBundle> {
  const key = installationKey(); // before any work: a missing or exposed key stops the export at once
  const createdAt = new Date();
  const scoresOf = createRunScoresReader(db);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-bundle-'));
  try {
    // The CSVs first: they refuse an unfinished run before the PDF is laid out.
    const scores = path.join(scratch, bundleEntries.scores);
    const metrics = path.join(scratch, bundleEntries.metrics);
    writeScoresCsv(db, request.runIds, scores, scoresOf);
    writeMetricsCsv(db, request.runIds, metrics);
    const options = {
      ...(request.title ? { title: request.title } : {}),
      ...(request.cover ? { cover: request.cover } : {}),
      ...(request.policy ? { policy: request.policy } : {}),
      ...(request.memberPrior !== undefined ? { memberPrior: request.memberPrior } : {}),
    };
    const report = buildAuditReport(db, request.runIds, options, scoresOf);
    const pdf = path.join(scratch, bundleEntries.pdf);
    await writePdfReport(report, pdf);
    const provenance = await collectProvenance(db, request.runIds, report.environment, createdAt);
    const entries: TarEntry[] = [
      { name: bundleEntries.pdf, bytes: fs.readFileSync(pdf) },
      { name: bundleEntries.scores, bytes: fs.readFileSync(scores) },
      { name: bundleEntries.metrics, bytes: fs.readFileSync(metrics) },
      { name: bundleEntries.provenance, bytes: jsonBytes(provenance) },
    ];
    for (const runId of request.runIds) {
      const { stored, audit } = runConfigs(db, runId, provenance.root);
      entries.push({
        name: bundleEntries.runConfig(runId),
        bytes: jsonBytes({
          runId,
          stored,
          auditConfig: audit.config ? bundleEntries.auditConfig(runId) : null,
          notReplayable: audit.reason,
        }),
      });
      if (audit.config) entries.push({ name: bundleEntries.auditConfig(runId), bytes: jsonBytes(audit.config) });
    }
    const bytes = packEvidenceBundle(entries, { createdAt, engineVersion, runIds: request.runIds }, key);
    const [written] = await writeFilesAtomically([{ path: request.file, write: (temp) => fs.writeFileSync(temp, bytes) }], {
      force: request.force ?? false,
    });
    return {
      file: written!.path,
      sha256: written!.sha256,
      entries: entries.map((entry) => entry.name),
      signer: identifySigner(key.publicKey),
    };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}
