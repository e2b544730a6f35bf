// The one report model behind the PDF and CSV exports (the Compare view reads the same pieces through the
// contract): for each run its details, curves, most exposed records and provenance, plus the environment.
import os from 'node:os';
import type { ExposedRecords, RunCurves, RunDetails } from '../../../src-shared/contract/contract';
import type { MetricName } from '../../../src-shared/domain/metric-names';
import { engineVersion } from '../../common/engine-version';
import { MiaError } from '../../common/errors';
import { findAttack } from '../../engine/attacks/registry';
import { getStoredModel } from '../../workspace/models-repo';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { getRunProvenance } from '../../workspace/runs-repo';
import { sqliteVersion } from '../../workspace/workspace-facts';
import { modelFileFacts, type ModelFileFacts } from '../model-files';
import { runCurves } from '../run-report-curves';
import { exposedRecords } from '../run-report-exposed';
import { runDetails } from '../run-report';
import { createRunScoresReader, type RunScoresReader } from '../run-report-scores';

export interface ReportRun {
  readonly details: RunDetails;
  readonly curves: RunCurves;
  readonly exposed: ExposedRecords;
  readonly attackTitle: string;
  readonly attackDescription: string;
  /** The target's files, each with its own SHA-256 and size: what a client checks with `sha256sum`. */
  readonly targetFiles: readonly ModelFileFacts[];
  /** The target's combined model hash (presentation/model-hash.ts), not any one file's SHA-256. */
  readonly targetModelHash: string;
  readonly modelHash: string;
  readonly dataHash: string;
  readonly engineVersion: string;
  readonly timings: Record<string, number> | null;
}

export interface AuditReport {
  readonly title: string;
  readonly generatedAt: string;
  readonly workbenchVersion: string;
  readonly runs: readonly ReportRun[];
  readonly environment: Record<string, string>;
}

export function metricOf(run: ReportRun, name: MetricName, slice = '') {
  return run.details.metrics.find((m) => m.name === name && m.slice === slice) ?? null;
}

/** `scoresOf` is the export's one reader, so the PDF and the CSV of one export read each run's scores once. */
export function buildAuditReport(
  db: WorkspaceDb,
  runIds: readonly number[],
  options: { title?: string; exposedPerRun?: number } = {},
  scoresOf: RunScoresReader = createRunScoresReader(db),
): AuditReport {
  if (runIds.length === 0) throw new MiaError('export.no-runs', 'Name at least one run to export.');
  const runs = runIds.map((runId): ReportRun => {
    const details = runDetails(db, runId);
    if (details.run.status !== 'finished') {
      throw new MiaError(
        'export.run-not-finished',
        `Run ${runId} is ${details.run.status}; only finished runs are reported (partial scores are never reported).`,
      );
    }
    const provenance = getRunProvenance(db, runId);
    const target = getStoredModel(db, details.run.targetModelId);
    let attackTitle = details.run.attack;
    let attackDescription = '';
    try {
      const attack = findAttack(details.run.attack);
      attackTitle = attack.title;
      attackDescription = attack.description;
    } catch {
      attackDescription = 'This attack is not known to this version of the workbench.';
    }
    return {
      details,
      curves: runCurves(db, { runId, maxPoints: 300, bins: 30 }, scoresOf),
      exposed: exposedRecords(db, { runId, limit: options.exposedPerRun ?? 8, membersOnly: false }, scoresOf),
      attackTitle,
      attackDescription,
      targetFiles: modelFileFacts(target.files),
      targetModelHash: target.sha256,
      modelHash: provenance.modelHash,
      dataHash: provenance.dataHash,
      engineVersion: provenance.engineVersion,
      timings: provenance.timings,
    };
  });
  return {
    title: options.title ?? 'Membership inference audit',
    generatedAt: new Date().toISOString(),
    workbenchVersion: engineVersion,
    runs,
    environment: environmentFacts(db),
  };
}

function environmentFacts(db: WorkspaceDb): Record<string, string> {
  const cpus = os.cpus();
  const sqlite = sqliteVersion(db);
  let onnxRuntime = 'unknown';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- read the installed version at run time; an import would inline it at build time
    onnxRuntime = (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    // Reported as unknown.
  }
  return {
    'MIA Workbench': engineVersion,
    'Node.js': process.versions.node,
    'ONNX Runtime (CPU)': onnxRuntime,
    SQLite: sqlite,
    'Operating system': `${os.type()} ${os.release()} (${os.arch()})`,
    CPU: cpus.length > 0 ? `${cpus.length} × ${cpus[0]!.model.trim()}` : 'unknown',
    Memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
  };
}
