// Record rows: what attacks read (by role, without thumbnails), the UI grid's pages and counts, and thumbnails.
import { createStringInterner } from '../common/string-interner';
import path from 'node:path';
import { DatasetSourceKind, RecordPageQuery, RecordRole } from '../../src-shared/domain/records';
import { MiaError } from '../common/errors';
import type { WorkspaceDb } from './open-workspace';

/** A record as an attack needs it; `path` is absolute (dataset root + stored relative path). */
export interface AttackRecord {
  readonly id: number;
  readonly key: string;
  readonly path: string;
  readonly sourceIndex: number | null;
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly label: number | null;
  readonly caption: string | null;
  readonly member: 0 | 1 | null;
  readonly role: RecordRole;
  /** How to read the file: one image per file, or an IDX/CIFAR container with `sourceIndex`. */
  readonly sourceKind: DatasetSourceKind;
}

interface RecordRow {
  id: number;
  record_key: string;
  path: string;
  source_index: number | null;
  sha256: string;
  width: number;
  height: number;
  channels: number;
  label: number | null;
  caption: string | null;
  member: 0 | 1 | null;
  role: RecordRole;
  root_path: string;
  source_kind: DatasetSourceKind;
}

const recordColumns =
  'r.id, r.record_key, r.path, r.source_index, r.sha256, r.width, r.height, r.channels, r.label, r.caption, r.member, r.role, d.root_path, d.source_kind';

/** Records of a ready dataset, in id order; all roles when `roles` is omitted or empty. */
export function listRecordsForAttack(db: WorkspaceDb, datasetId: number, roles: readonly RecordRole[] = []): AttackRecord[] {
  return Array.from(eachRecordForAttack(db, datasetId, roles));
}

/**
 * The same records, read one row at a time, so a caller that keeps a smaller shape of each (a run's records) never
 * holds a million rows and a million records at once. Strings that repeat from row to row (a container's path, the
 * role, the source kind) are shared rather than copied per record. The dataset is checked before the first record.
 */
export function eachRecordForAttack(db: WorkspaceDb, datasetId: number, roles: readonly RecordRole[] = []): Generator<AttackRecord> {
  assertReadyDataset(db, datasetId);
  const roleFilter = roles.length > 0 ? ` AND r.role IN (${roles.map(() => '?').join(', ')})` : '';
  const rows = db
    .prepare(
      `SELECT ${recordColumns} FROM records r JOIN datasets d ON d.id = r.dataset_id WHERE r.dataset_id = ?${roleFilter} ORDER BY r.id`,
    )
    .iterate(datasetId, ...roles) as IterableIterator<RecordRow>;
  return attackRecordsOf(rows);
}

function* attackRecordsOf(rows: IterableIterator<RecordRow>): Generator<AttackRecord> {
  const share = createStringInterner();
  for (const row of rows) yield toAttackRecord(row, share);
}

/** Records by id (any dataset), in the order asked; an unknown id is an error. */
export function getRecordsByIds(db: WorkspaceDb, recordIds: readonly number[]): AttackRecord[] {
  const statement = db.prepare(`SELECT ${recordColumns} FROM records r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?`);
  return recordIds.map((id) => {
    const row = statement.get(id) as RecordRow | undefined;
    if (!row) throw new MiaError('record.not-found', `There is no record with id ${id} in this workspace.`);
    return toAttackRecord(row);
  });
}

/** The PNG thumbnail stored at import. */
export function getThumbnail(db: WorkspaceDb, recordId: number): Buffer {
  const row = db.prepare('SELECT thumbnail FROM records WHERE id = ?').get(recordId) as { thumbnail: Buffer | null } | undefined;
  if (!row) throw new MiaError('record.not-found', `There is no record with id ${recordId} in this workspace.`);
  if (!row.thumbnail) throw new MiaError('record.no-thumbnail', `Record ${recordId} has no thumbnail.`);
  return row.thumbnail;
}

export { RecordPageQuery };

export interface RecordListItem {
  readonly id: number;
  readonly key: string;
  readonly path: string;
  readonly sourceIndex: number | null;
  readonly width: number;
  readonly height: number;
  readonly label: number | null;
  readonly caption: string | null;
  readonly member: 0 | 1 | null;
  readonly role: RecordRole;
  readonly thumbnail?: Buffer;
}

export interface RecordPage {
  /** Matching records in all pages. */
  readonly total: number;
  readonly items: RecordListItem[];
}

export function listRecordsPage(db: WorkspaceDb, query: RecordPageQuery): RecordPage {
  const q = RecordPageQuery.parse(query);
  assertReadyDataset(db, q.datasetId);
  const conditions = ['dataset_id = ?'];
  const values: (number | string)[] = [q.datasetId];
  if (q.role !== undefined) {
    conditions.push('role = ?');
    values.push(q.role);
  }
  if (q.label !== undefined) {
    if (q.label === null) conditions.push('label IS NULL');
    else {
      conditions.push('label = ?');
      values.push(q.label);
    }
  }
  if (q.member !== undefined) {
    if (q.member === null) conditions.push('member IS NULL');
    else {
      conditions.push('member = ?');
      values.push(q.member);
    }
  }
  const where = conditions.join(' AND ');
  const { n } = db.prepare(`SELECT COUNT(*) AS n FROM records WHERE ${where}`).get(...values) as { n: number };
  const thumbnailColumn = q.withThumbnails ? ', thumbnail' : '';
  const rows = db
    .prepare(
      `SELECT id, record_key, path, source_index, width, height, label, caption, member, role${thumbnailColumn} FROM records WHERE ${where} ORDER BY id LIMIT ? OFFSET ?`,
    )
    .all(...values, q.limit, q.offset) as (Omit<RecordRow, 'root_path' | 'source_kind' | 'sha256' | 'channels'> & {
    thumbnail?: Buffer | null;
  })[];
  return {
    total: n,
    items: rows.map((row) => ({
      id: row.id,
      key: row.record_key,
      path: row.path,
      sourceIndex: row.source_index,
      width: row.width,
      height: row.height,
      label: row.label,
      caption: row.caption,
      member: row.member,
      role: row.role,
      ...(row.thumbnail ? { thumbnail: row.thumbnail } : {}),
    })),
  };
}

export interface RecordCounts {
  readonly total: number;
  readonly byRole: Partial<Record<RecordRole, number>>;
  /** Label (null = unlabelled) → count, in label order. */
  readonly byLabel: { label: number | null; count: number }[];
  readonly byMember: { member: 0 | 1 | null; count: number }[];
  /** For the grid's role × label table. */
  readonly byRoleAndLabel: { role: RecordRole; label: number | null; count: number }[];
}

export function countRecords(db: WorkspaceDb, datasetId: number): RecordCounts {
  const byRoleAndLabel = db
    .prepare('SELECT role, label, COUNT(*) AS count FROM records WHERE dataset_id = ? GROUP BY role, label ORDER BY role, label')
    .all(datasetId) as { role: RecordRole; label: number | null; count: number }[];
  const byMember = db
    .prepare('SELECT member, COUNT(*) AS count FROM records WHERE dataset_id = ? GROUP BY member ORDER BY member')
    .all(datasetId) as { member: 0 | 1 | null; count: number }[];
  const byRole: Partial<Record<RecordRole, number>> = {};
  const labelCounts = new Map<number | null, number>();
  let total = 0;
  for (const row of byRoleAndLabel) {
    byRole[row.role] = (byRole[row.role] ?? 0) + row.count;
    labelCounts.set(row.label, (labelCounts.get(row.label) ?? 0) + row.count);
    total += row.count;
  }
  const byLabel = [...labelCounts.entries()].map(([label, count]) => ({ label, count })).sort((a, b) => (a.label ?? -1) - (b.label ?? -1));
  return { total, byRole, byLabel, byMember, byRoleAndLabel };
}

function assertReadyDataset(db: WorkspaceDb, datasetId: number): void {
  const row = db.prepare('SELECT status FROM datasets WHERE id = ?').get(datasetId) as { status: string } | undefined;
  if (!row || row.status !== 'ready')
    throw new MiaError('dataset.not-found', `There is no dataset with id ${datasetId} in this workspace.`);
}

function toAttackRecord(row: RecordRow, share: <T extends string>(value: T) => T = (value) => value): AttackRecord {
  return {
    id: row.id,
    key: row.record_key,
    path: share(path.join(row.root_path, ...row.path.split('/'))),
    sourceIndex: row.source_index,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    channels: row.channels,
    label: row.label,
    caption: row.caption,
    member: row.member,
    role: share(row.role),
    sourceKind: share(DatasetSourceKind.parse(row.source_kind)),
  };
}

/** One image size and channel count found in a dataset, with how many records have it. */
export interface RecordShape {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly count: number;
}

/** The distinct image shapes of a dataset's records, most common first (what a run's preprocessing must fit). */
export function countRecordShapes(db: WorkspaceDb, datasetId: number): RecordShape[] {
  return db
    .prepare(
      'SELECT width, height, channels, COUNT(*) AS count FROM records WHERE dataset_id = ? GROUP BY width, height, channels ORDER BY count DESC, width, height, channels',
    )
    .all(datasetId) as RecordShape[];
}

/** How many records of one role have no caption (null or only whitespace). */
export function countUncaptioned(db: WorkspaceDb, datasetId: number, role: RecordRole): number {
  const row = db
    .prepare("SELECT COUNT(*) AS n FROM records WHERE dataset_id = ? AND role = ? AND (caption IS NULL OR trim(caption) = '')")
    .get(datasetId, role) as { n: number };
  return row.n;
}
