// A run's stored scores joined with its audited records — what the charts and the drill-down are drawn from. The
// metrics table is never recomputed from these; they only feed pictures and lists.
import { z } from 'zod';
import { getDataset } from '../workspace/datasets-repo';
import { getStoredModel } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { listRecordsForAttack, type AttackRecord } from '../workspace/records-repo';
import { getRun, readScores } from '../workspace/runs-repo';

export interface AuditedScores {
  /** Audited records that have a stored score, in record id order. */
  readonly records: readonly AttackRecord[];
  readonly scores: Float64Array;
  /** Class names for labels and per-class slices: the dataset's, else the target model's, else null. */
  readonly classNames: readonly string[] | null;
}

export function readAuditedScores(db: WorkspaceDb, runId: number): AuditedScores {
  const run = getRun(db, runId);
  const dataset = getDataset(db, run.datasetId);
  const audit = new Map(listRecordsForAttack(db, run.datasetId, ['audit']).map((record) => [record.id, record]));
  const stored = readScores(db, runId);
  const records: AttackRecord[] = [];
  const scores: number[] = [];
  stored.recordIds.forEach((recordId, i) => {
    const record = audit.get(recordId);
    if (!record) return; // calibration records are scored too, but are not part of the audit
    records.push(record);
    scores.push(stored.scores[i]!);
  });
  return { records, scores: Float64Array.from(scores), classNames: dataset.classNames ?? targetClassNames(db, run.targetModelId) };
}

const WithClassNames = z.looseObject({ classNames: z.array(z.string()).optional() });

/** A manifest dataset often has no class names while the model's sidecar does; a row that cannot be read gives none. */
function targetClassNames(db: WorkspaceDb, modelId: number): readonly string[] | null {
  try {
    const parsed = WithClassNames.safeParse(JSON.parse(getStoredModel(db, modelId).config));
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
