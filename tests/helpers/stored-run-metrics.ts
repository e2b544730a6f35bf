// A run's stored headline figures checked against its stored scores: AUC and TPR at FPR bounds are recomputed by
// brute force from the audit records with known membership, so the expectation never comes from the engine's
// metric code, and a figure that was not written fails the check instead of passing as "defined".
import { expect } from 'vitest';
import type { WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { getRecordsByIds } from '../../src-main/workspace/records-repo';
import { readMetrics, readScores } from '../../src-main/workspace/runs-repo';
import { bruteForceAuc, bruteForceTprAtFpr } from './reference-metrics';

/** The stored scores of a run's audit records whose membership is known, with 1 for members and 0 for non-members. */
export function auditScoresWithMembership(db: WorkspaceDb, runId: number): { scores: number[]; members: number[] } {
  const { recordIds, scores } = readScores(db, runId);
  const records = getRecordsByIds(db, Array.from(recordIds));
  const kept = records.flatMap((record, i) =>
    record.role === 'audit' && record.member !== null ? [{ score: scores[i]!, member: record.member }] : [],
  );
  return { scores: kept.map((entry) => entry.score), members: kept.map((entry) => entry.member) };
}

/** The run's overall AUC and each `tpr@alpha` equal the brute-force figures of its stored audit scores. */
export function expectStoredMetricsMatchScores(db: WorkspaceDb, runId: number, alphas: readonly number[] = [0.01]): void {
  const { scores, members } = auditScoresWithMembership(db, runId);
  const overall = new Map(
    readMetrics(db, runId)
      .filter((m) => m.slice === '')
      .map((m) => [m.name, m.value]),
  );
  expect(overall.get('auc'), `AUC of run ${runId}`).toBeCloseTo(bruteForceAuc(scores, members), 12);
  for (const alpha of alphas) {
    const expected = bruteForceTprAtFpr(scores, members, alpha);
    const stored = overall.get(`tpr@${alpha}`);
    if (expected === null) expect(stored, `tpr@${alpha} of run ${runId}`).toBeNull();
    else expect(stored, `tpr@${alpha} of run ${runId}`).toBeCloseTo(expected, 12);
  }
}
