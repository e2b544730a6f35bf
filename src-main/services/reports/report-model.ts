// The one report model behind the PDF and CSV exports (the Compare view reads the same pieces through the
// contract): for each run its details, curves, most exposed records and provenance, plus the environment.
import os from 'node:os';
import type { ExposedRecords, ReportCover, RunCurves, RunDetails, TargetVerdict } from '../../../src-shared/contract/contract';
import type { MetricName } from '../../../src-shared/domain/metric-names';
import { DEFAULT_MEMBER_PRIOR } from '../../../src-shared/domain/precision-at-prior';
import { engineVersion } from '../../common/engine-version';
import { MiaError } from '../../common/errors';
import { findRunAttack } from '../../engine/attacks/run-attack';
import { getStoredModel } from '../../workspace/models-repo';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { getRunProvenance } from '../../workspace/runs-repo';
import { sqliteVersion } from '../../workspace/workspace-facts';
import { modelFileFacts, type ModelFileFacts } from '../model-files';
import type { RiskPolicy } from '../policy/policy-file';
import { verdictsByTarget } from '../policy/target-verdicts';
import { runCurves } from '../run-report-curves';
import { exposedRecords } from '../run-report-exposed';
import { runDetails } from '../run-report';
import { createRunScoresReader, type RunScoresReader } from '../run-report-scores';
import { remoteRunFacts, remoteTargetFacts, type RemoteRunFacts, type RemoteTargetFacts } from './report-remote';

export interface ReportRun {
  readonly details: RunDetails;
  readonly curves: RunCurves;
  readonly exposed: ExposedRecords;
  /** Audited records sharing the top score (rank 1 by the one ranking rule): more than one means ties order the list. */
  readonly topScoreTies: number;
  readonly attackTitle: string;
  readonly attackDescription: string;
  /** The target's files, each with its own SHA-256 and size: what a client checks with `sha256sum`. */
  readonly targetFiles: readonly ModelFileFacts[];
  /** The target's combined model hash (presentation/model-hash.ts), not any one file's SHA-256. */
  readonly targetModelHash: string;
  /** For a target served over the network: its endpoint and served components; null for local ONNX files. */
  readonly targetRemote: RemoteTargetFacts | null;
  /** What this run sent to the remote target (its budget and the run log's notes); null for a local target. */
  readonly remoteRun: RemoteRunFacts | null;
  /** The target was treated as label-only: only its predicted labels were read. */
  readonly targetLabelOnly?: boolean;
  readonly modelHash: string;
  readonly dataHash: string;
  readonly engineVersion: string;
  /** The ONNX Runtime execution provider the run's sessions used ('cpu', 'cuda'); null for a run that did not record one. */
  readonly executionProvider: string | null;
  readonly timings: Record<string, number> | null;
}

/** The cover as printed: the title always, the other fields when the auditor gave them; the date is YYYY-MM-DD. */
export interface ResolvedCover {
  readonly title: string;
  readonly client: string | null;
  readonly auditor: string | null;
  readonly scope: string | null;
  readonly date: string;
}

export const defaultReportTitle = 'Membership inference audit';

export interface AuditReport {
  readonly title: string;
  readonly cover: ResolvedCover;
  readonly generatedAt: string;
  readonly workbenchVersion: string;
  readonly runs: readonly ReportRun[];
  readonly environment: Record<string, string>;
  /** The risk policy's verdict per target of the reported runs; null or absent when the export applied no policy. */
  readonly policyVerdicts?: readonly TargetVerdict[] | null;
  /** The prior fraction of members the report states precision for; absent: DEFAULT_MEMBER_PRIOR. */
  readonly memberPrior?: number;
}

export function metricOf(run: ReportRun, name: MetricName, slice = '') {
  return run.details.metrics.find((m) => m.name === name && m.slice === slice) ?? null;
}

/** The runs of each target model, in the order the report lists them (the summary and the identity section group so). */
export function runsByTarget(report: AuditReport): { name: string; runs: ReportRun[] }[] {
  const groups = new Map<number, { name: string; runs: ReportRun[] }>();
  for (const run of report.runs) {
    const id = run.details.run.targetModelId;
    const group = groups.get(id) ?? { name: run.details.targetModelName ?? `model ${id}`, runs: [] };
    group.runs.push(run);
    groups.set(id, group);
  }
  return [...groups.values()];
}

/** `scoresOf` is the export's one reader, so the PDF and the CSV of one export read each run's scores once. */
export function buildAuditReport(
  db: WorkspaceDb,
  runIds: readonly number[],
  options: { title?: string; cover?: ReportCover; exposedPerRun?: number; policy?: RiskPolicy; memberPrior?: number } = {},
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
    const targetRemote = remoteTargetFacts(target);
    let attackTitle = details.run.attack;
    let attackDescription = '';
    try {
      // A set-inference run is described by its base attack's module (run-attack.ts); every other run by its own.
      const attack = findRunAttack(details.run.attack, details.config.params);
      attackTitle = attack.title;
      attackDescription = attack.description;
    } catch {
      attackDescription = 'This attack is not known to this version of the workbench.';
    }
    return {
      details,
      curves: runCurves(db, { runId, maxPoints: 300, bins: 30 }, scoresOf),
      exposed: exposedRecords(db, { runId, limit: options.exposedPerRun ?? 8, membersOnly: false }, scoresOf),
      topScoreTies: scoresOf(runId).ranks.filter((rank) => rank === 1).length,
      attackTitle,
      attackDescription,
      targetFiles: modelFileFacts(target.files),
      targetModelHash: target.sha256,
      targetRemote,
      remoteRun: targetRemote ? remoteRunFacts(targetRemote, details.config, details.log) : null,
      targetLabelOnly: target.config['labelOnly'] === true,
      modelHash: provenance.modelHash,
      dataHash: provenance.dataHash,
      engineVersion: provenance.engineVersion,
      executionProvider: provenance.executionProvider,
      timings: provenance.timings,
    };
  });
  const memberPrior = options.memberPrior ?? DEFAULT_MEMBER_PRIOR;
  const generated = new Date();
  const cover = resolveCover(options.cover ?? {}, options.title, generated);
  return {
    title: cover.title,
    cover,
    generatedAt: generated.toISOString(),
    workbenchVersion: engineVersion,
    runs,
    environment: environmentFacts(db),
    // Judged by the one evaluator over the same headlines as `mia audit --policy`, on exactly the reported runs.
    policyVerdicts: options.policy
      ? verdictsByTarget(
          db,
          options.policy,
          runs.map((run) => run.details.run),
          memberPrior,
        )
      : null,
    memberPrior,
  };
}

/** The cover's title is the cover's, else the export's `title`, else the default; the date defaults to today (local). */
function resolveCover(cover: ReportCover, title: string | undefined, generated: Date): ResolvedCover {
  const given = (text: string | undefined): string | null => (text && text.trim() !== '' ? text.trim() : null);
  const today = `${generated.getFullYear()}-${String(generated.getMonth() + 1).padStart(2, '0')}-${String(generated.getDate()).padStart(2, '0')}`;
  return {
    title: given(cover.title) ?? given(title) ?? defaultReportTitle,
    client: given(cover.client),
    auditor: given(cover.auditor),
    scope: given(cover.scope),
    date: given(cover.date) ?? today,
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
