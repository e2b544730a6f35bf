// The one reader of a run's stored scores: joined with the records they belong to, ranked by the one ranking rule
// (engine/metrics/audit-rank.ts) and put in "highest first" order, once. The CSV export, the charts and the most
// exposed records (in the app and in the PDF) are all drawn from it, so they cannot disagree. The metrics table is
// never recomputed from these; they only feed pictures, lists and the per-record export.
import { z } from 'zod';
import { auditRanks } from '../engine/metrics/audit-rank';
import { getDataset } from '../workspace/datasets-repo';
import { getStoredModel } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { listRecordsForAttack, type AttackRecord } from '../workspace/records-repo';
import { getRun, readScores } from '../workspace/runs-repo';

export interface RunScores {
  readonly runId: number;
  /** Every record the run scored (audited and calibration records), in record id order. */
  readonly records: readonly AttackRecord[];
  readonly scores: Float64Array;
  /** Each record's rank by the one ranking rule; `notRanked` (0) for a calibration record, which is not audited. */
  readonly ranks: Int32Array;
  /** Indices into `records`, highest score first; equal scores in record id order. */
  readonly highestFirst: Uint32Array;
  /** Class names for labels and per-class slices: the dataset's, else the target model's, else null. */
  readonly classNames: readonly string[] | null;
}

/** The audited part of a run's scores, in record id order: what the charts are drawn from. */
export interface AuditedScores {
  readonly records: readonly AttackRecord[];
  readonly scores: Float64Array;
  readonly classNames: readonly string[] | null;
}

export type RunScoresReader = (runId: number) => RunScores;

/**
 * A reader that reads and ranks each run's scores once and lists each dataset's records once, however many runs
 * and files of one export ask for them. A finished run never changes, so what it keeps stays true.
 */
export function createRunScoresReader(db: WorkspaceDb): RunScoresReader {
  const datasetRecords = new Map<number, Map<number, AttackRecord>>();
  const runs = new Map<number, RunScores>();
  return (runId) => {
    const known = runs.get(runId);
    if (known) return known;
    const run = getRun(db, runId);
    let byId = datasetRecords.get(run.datasetId);
    if (!byId) {
      byId = new Map(listRecordsForAttack(db, run.datasetId).map((record) => [record.id, record]));
      datasetRecords.set(run.datasetId, byId);
    }
    const stored = readScores(db, runId);
    const records: AttackRecord[] = [];
    const kept: number[] = [];
    stored.recordIds.forEach((recordId, i) => {
      const record = byId.get(recordId);
      // Scores reference their records (a foreign key); a record outside the run's dataset is not part of its results.
      if (!record) return;
      records.push(record);
      kept.push(i);
    });
    const scores = kept.length === stored.scores.length ? stored.scores : Float64Array.from(kept, (i) => stored.scores[i]!);
    const ranks = auditRanks(
      scores,
      Uint8Array.from(records, (record) => (record.role === 'audit' ? 1 : 0)),
    );
    // Records are in id order, so index order breaks ties by record id.
    const highestFirst = Uint32Array.from(records.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
    const read: RunScores = {
      runId,
      records,
      scores,
      ranks,
      highestFirst,
      classNames: getDataset(db, run.datasetId).classNames ?? targetClassNames(db, run.targetModelId),
    };
    runs.set(runId, read);
    return read;
  };
}

export function readRunScores(db: WorkspaceDb, runId: number): RunScores {
  return createRunScoresReader(db)(runId);
}

/** Calibration records are scored too (to choose thresholds), but are not part of the audit. */
export function auditedScores(run: RunScores): AuditedScores {
  const keep: number[] = [];
  run.records.forEach((record, i) => {
    if (record.role === 'audit') keep.push(i);
  });
  return { records: keep.map((i) => run.records[i]!), scores: Float64Array.from(keep, (i) => run.scores[i]!), classNames: run.classNames };
}

const WithClassNames = z.looseObject({ classNames: z.array(z.string()).optional() });

/** A manifest dataset often has no class names while the model's sidecar does; a row that cannot be read gives none. */
function targetClassNames(db: WorkspaceDb, modelId: number): readonly string[] | null {
  try {
    const parsed = WithClassNames.safeParse(getStoredModel(db, modelId).config);
    return parsed.success ? (parsed.data.classNames ?? null) : null;
  } catch {
    return null;
  }
}

/** The records with known membership, as the metrics use them: scores and 1/0 labels side by side. */
export function withGroundTruth(audited: AuditedScores): { scores: Float64Array; labels: Uint8Array; members: number; nonMembers: number } {
  const keep: number[] = [];
  audited.records.forEach((record, i) => {
    if (record.member !== null) keep.push(i);
  });
  const scores = Float64Array.from(keep, (i) => audited.scores[i]!);
  const labels = Uint8Array.from(keep, (i) => audited.records[i]!.member!);
  let members = 0;
  for (const label of labels) members += label;
  return { scores, labels, members, nonMembers: labels.length - members };
}
