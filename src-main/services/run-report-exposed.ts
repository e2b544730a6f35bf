// The drill-down of a run: the audited records the attack scored highest (the most exposed), with thumbnails,
// labels and ground truth, so an auditor can see which images leak. The app and the PDF both list these.
import type { ExposedRecords, ParsedRequestOf } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { getThumbnail } from '../workspace/records-repo';
import { createRunScoresReader, type RunScoresReader } from './run-report-scores';

export function exposedRecords(
  db: WorkspaceDb,
  request: ParsedRequestOf<'runs.exposed'>,
  scoresOf: RunScoresReader = createRunScoresReader(db),
): ExposedRecords {
  const run = scoresOf(request.runId);
  // The rank is the reader's, among every audited record: "rank 3" means the same with or without membersOnly,
  // and the same as in the CSV export.
  const items: ExposedRecords['items'] = [];
  let audited = 0;
  for (const index of run.highestFirst) {
    const record = run.records[index]!;
    if (record.role !== 'audit') continue;
    audited += 1;
    if (items.length === request.limit || (request.membersOnly && record.member !== 1)) continue;
    items.push({
      recordId: record.id,
      key: record.key,
      rank: run.ranks[index]!,
      score: run.scores[index]!,
      label: record.label,
      className: record.label === null ? null : (run.classNames?.[record.label] ?? null),
      caption: record.caption,
      member: record.member,
      thumbnail: thumbnailOrNull(db, record.id),
    });
  }
  return { runId: request.runId, scored: audited, items };
}

function thumbnailOrNull(db: WorkspaceDb, recordId: number): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(getThumbnail(db, recordId));
  } catch (error) {
    if (error instanceof MiaError && error.code === 'record.no-thumbnail') return null;
    throw error;
  }
}
