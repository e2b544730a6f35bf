// The drill-down of a run: the audited records the attack scored highest (the most exposed), with thumbnails,
// labels and ground truth, so an auditor can see which images leak.
import type { ExposedRecords, ParsedRequestOf } from '../../src-preload/contract';
import { MiaError } from '../common/errors';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { getThumbnail } from '../workspace/records-repo';
import { readAuditedScores } from './run-report-scores';

export function exposedRecords(db: WorkspaceDb, request: ParsedRequestOf<'runs.exposed'>): ExposedRecords {
  const audited = readAuditedScores(db, request.runId);
  // Rank among every audited record, then filter: "rank 3" means the same thing with or without membersOnly.
  const order = Array.from(audited.records.keys()).sort((a, b) => audited.scores[b]! - audited.scores[a]! || audited.records[a]!.id - audited.records[b]!.id);
  const items: ExposedRecords['items'] = [];
  for (let position = 0; position < order.length && items.length < request.limit; position++) {
    const index = order[position]!;
    const record = audited.records[index]!;
    if (request.membersOnly && record.member !== 1) continue;
    items.push({
      recordId: record.id,
      key: record.key,
      rank: position + 1,
      score: audited.scores[index]!,
      label: record.label,
      className: record.label === null ? null : (audited.classNames?.[record.label] ?? null),
      caption: record.caption,
      member: record.member,
      thumbnail: thumbnailOrNull(db, record.id),
    });
  }
  return { runId: request.runId, scored: audited.records.length, items };
}

function thumbnailOrNull(db: WorkspaceDb, recordId: number): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(getThumbnail(db, recordId));
  } catch (error) {
    if (error instanceof MiaError && error.code === 'record.no-thumbnail') return null;
    throw error;
  }
}
