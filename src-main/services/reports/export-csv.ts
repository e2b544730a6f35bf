// The CSV exports: per-record scores of the chosen runs, and their metrics (one row per metric and slice).
import fs from 'node:fs';
import { csvRow } from '../../common/csv-write';
import { MiaError } from '../../common/errors';
import { notRanked } from '../../engine/metrics/audit-rank';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { getRun, readMetrics } from '../../workspace/runs-repo';
import { createRunScoresReader, type RunScoresReader } from '../run-report-scores';

/**
 * `audit_rank` follows the workbench's one ranking rule (engine/metrics/audit-rank.ts), the same rank the PDF and
 * the app show: 1 + the number of audited records of the run with a strictly higher score (ties share the best
 * rank). Calibration rows are exported with their scores but an empty rank: they are not audited. Rows are in
 * rank order, highest score first.
 */
export const scoreColumns = [
  'run_id',
  'attack',
  'record_id',
  'record_key',
  'image_sha256',
  'label',
  'member',
  'role',
  'score',
  'audit_rank',
] as const;
export const metricColumns = ['run_id', 'attack', 'status', 'metric', 'slice', 'value', 'ci_low', 'ci_high', 'note'] as const;

export function writeScoresCsv(
  db: WorkspaceDb,
  runIds: readonly number[],
  file: string,
  scoresOf: RunScoresReader = createRunScoresReader(db),
): number {
  const runs = runIds.map((id) => getRun(db, id));
  const unfinished = runs.filter((run) => run.status !== 'finished');
  if (unfinished.length > 0) {
    throw new MiaError(
      'export.run-not-finished',
      `Run ${unfinished[0]!.id} is ${unfinished[0]!.status}; only finished runs are exported (partial scores are never reported).`,
    );
  }
  const out = fs.openSync(file, 'w');
  let written = 0;
  try {
    fs.writeSync(out, csvRow(scoreColumns));
    for (const run of runs) {
      const scored = scoresOf(run.id);
      for (const index of scored.highestFirst) {
        const record = scored.records[index]!;
        const rank = scored.ranks[index]!;
        fs.writeSync(
          out,
          csvRow([
            run.id,
            run.attack,
            record.id,
            record.key,
            record.sha256,
            record.label,
            record.member,
            record.role,
            scored.scores[index]!,
            rank === notRanked ? null : rank,
          ]),
        );
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
    for (const m of readMetrics(db, runId))
      lines.push(csvRow([run.id, run.attack, run.status, m.name, m.slice, m.value, m.ciLow, m.ciHigh, m.note]));
  }
  fs.writeFileSync(file, lines.join(''));
  return lines.length - 1;
}
