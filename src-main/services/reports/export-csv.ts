// The CSV exports: per-record scores of the chosen runs, and their metrics (one row per metric and slice).
import fs from 'node:fs';
import { csvRow } from '../../common/csv-write';
import { MiaError } from '../../common/errors';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { getRun, readMetrics } from '../../workspace/runs-repo';

export const scoreColumns = ['run_id', 'attack', 'record_id', 'record_key', 'image_sha256', 'label', 'member', 'role', 'score', 'rank'] as const;
export const metricColumns = ['run_id', 'attack', 'status', 'metric', 'slice', 'value', 'ci_low', 'ci_high', 'note'] as const;

/** Records of a run with their scores, ranked 1 = most likely member (ties share the best rank). */
function scoredRecords(db: WorkspaceDb, runId: number) {
  const rows = db
    .prepare(
      `SELECT s.record_id, s.score, r.record_key, r.sha256, r.label, r.member, r.role
       FROM scores s JOIN records r ON r.id = s.record_id WHERE s.run_id = ? ORDER BY s.score DESC, s.record_id`,
    )
    .all(runId) as { record_id: number; score: number; record_key: string; sha256: string; label: number | null; member: number | null; role: string }[];
  let rank = 0;
  let previous = Number.NaN;
  return rows.map((row, index) => {
    if (row.score !== previous) rank = index + 1;
    previous = row.score;
    return { ...row, rank };
  });
}

export function writeScoresCsv(db: WorkspaceDb, runIds: readonly number[], file: string): number {
  const runs = runIds.map((id) => getRun(db, id));
  const unfinished = runs.filter((run) => run.status !== 'finished');
  if (unfinished.length > 0) {
    throw new MiaError('export.run-not-finished', `Run ${unfinished[0]!.id} is ${unfinished[0]!.status}; only finished runs are exported (partial scores are never reported).`);
  }
  const out = fs.openSync(file, 'w');
  let written = 0;
  try {
    fs.writeSync(out, csvRow(scoreColumns));
    for (const run of runs) {
      for (const row of scoredRecords(db, run.id)) {
        fs.writeSync(out, csvRow([run.id, run.attack, row.record_id, row.record_key, row.sha256, row.label, row.member, row.role, row.score, row.rank]));
        written++;
      }
    }
  } finally {
    fs.closeSync(out);
  }
  return written;
}

export function writeMetricsCsv(db: WorkspaceDb, runIds: readonly number[], file: string): number {
  const lines = [csvRow(metricColumns)];
  for (const runId of runIds) {
    const run = getRun(db, runId);
    for (const m of readMetrics(db, runId)) lines.push(csvRow([run.id, run.attack, run.status, m.name, m.slice, m.value, m.ciLow, m.ciHigh, m.note]));
  }
  fs.writeFileSync(file, lines.join(''));
  return lines.length - 1;
}
