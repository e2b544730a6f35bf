// Parses a record manifest (CSV with header `id,path,label,caption,member,role`, or JSONL with the same keys)
// into checked entries. Row problems are collected, not thrown, so the auditor sees every bad row at once;
// problems with the file as a whole (encoding, syntax, unknown columns) stop at once. Those file-level messages
// name lines and column positions, never the text: whatever file was picked (an /etc/passwd, a key file) must not
// come back quoted in an error. Row messages quote a cell only once the header has shown the file is a manifest.
import path from 'node:path';
import { recordRoles, type RecordRole } from '../../../src-shared/domain/records';
import { MiaError } from '../../common/errors';
import { parseCsv } from './csv';
import type { IssueCollector } from './import-issues';
import { readUtf8Text } from './text-file';

export const manifestColumns = ['id', 'path', 'label', 'caption', 'member', 'role'] as const;
type ManifestColumn = (typeof manifestColumns)[number];

/** Longest caption accepted; longer text is almost certainly a broken manifest (a missing closing quote). */
export const maxCaptionLength = 10_000;
const maxIdLength = 512;

export interface ManifestDefaults {
  /** Used when the manifest has no `role` column, or the cell is empty. */
  readonly role: RecordRole;
  /** Used only when the manifest has no `member` column; an empty cell means "unknown". */
  readonly member: 0 | 1 | null;
}

export interface ManifestEntry {
  readonly line: number;
  readonly id: string;
  readonly path: string;
  /** As written: an integer or a class name; resolved to an index by `resolveLabels`. */
  readonly label: string | number | null;
  readonly caption: string | null;
  readonly member: 0 | 1 | null;
  readonly role: RecordRole;
}

interface RawRow {
  readonly line: number;
  readonly values: Partial<Record<ManifestColumn, unknown>>;
  /** Set when a CSV row has a different number of fields than the header. */
  readonly fieldCount?: number;
}

export function readManifest(file: string, format: 'csv' | 'jsonl', defaults: ManifestDefaults, issues: IssueCollector): ManifestEntry[] {
  const text = readUtf8Text(file, 'Manifest');
  const name = path.basename(file);
  const { rows, columns } = format === 'csv' ? csvRows(text, name) : jsonlRows(text, name);
  const entries: ManifestEntry[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const row of rows) {
    const entry = checkRow(row, columns, defaults, name, issues);
    if (!entry) continue;
    const earlier = firstLineOfId.get(entry.id);
    if (earlier !== undefined) {
      issues.add({
        code: 'dataset.duplicate-id',
        file: name,
        line: row.line,
        field: 'id',
        message: `${name}, line ${row.line}: id "${entry.id}" is already used on line ${earlier}; ids must be unique.`,
      });
      continue;
    }
    firstLineOfId.set(entry.id, row.line);
    entries.push(entry);
  }
  if (entries.length === 0 && issues.count === 0) {
    throw new MiaError('dataset.empty', `Manifest ${name} lists no records.`, { file: name });
  }
  return entries;
}

function csvRows(text: string, name: string): { rows: RawRow[]; columns: Set<ManifestColumn> } {
  const [header, ...body] = parseCsv(text, name);
  if (!header)
    throw new MiaError('dataset.empty', `Manifest ${name} is empty; expected a header line ${manifestColumns.join(',')}.`, { file: name });
  const columns = checkColumns(
    header.fields.map((field) => field.trim()),
    name,
    header.line,
    'column',
  );
  const order = header.fields.map((field) => field.trim() as ManifestColumn);
  const rows = body.map((row): RawRow => {
    if (row.fields.length !== order.length) {
      return { line: row.line, values: {}, fieldCount: row.fields.length };
    }
    return { line: row.line, values: Object.fromEntries(order.map((column, i) => [column, row.fields[i]])) };
  });
  return { rows, columns: new Set(columns) };
}

function jsonlRows(text: string, name: string): { rows: RawRow[]; columns: Set<ManifestColumn> } {
  const rows: RawRow[] = [];
  const seen = new Set<ManifestColumn>();
  text.split(/\r?\n/).forEach((lineText, i) => {
    if (lineText.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch {
      // JSON.parse's message quotes the text around the fault, so it is not passed on.
      throw new MiaError(
        'dataset.jsonl-syntax',
        `${name}, line ${i + 1}: not valid JSON; each line must be one JSON object with keys ${manifestColumns.join(', ')}.`,
        { file: name, line: i + 1 },
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new MiaError(
        'dataset.jsonl-syntax',
        `${name}, line ${i + 1}: expected a JSON object with keys ${manifestColumns.join(', ')}.`,
        { file: name, line: i + 1 },
      );
    }
    const keys = checkColumns(Object.keys(value), name, i + 1, 'key');
    keys.forEach((key) => seen.add(key));
    rows.push({ line: i + 1, values: value as RawRow['values'] });
  });
  return { rows, columns: seen };
}

/** `noun` is how a column is counted in messages: "column" (CSV header) or "key" (JSONL object), from 1. */
function checkColumns(names: string[], file: string, line: number, noun: 'column' | 'key'): ManifestColumn[] {
  const known = new Set<string>(manifestColumns);
  const unknown = names.flatMap((name, i) => (known.has(name) ? [] : [i + 1]));
  if (unknown.length > 0) {
    // Positions only, unless the header already names a manifest column: then the file is a manifest with a typo
    // and naming the column helps; otherwise the "name" is text of a file that may not be a manifest at all.
    const looksLikeManifest = names.some((name) => known.has(name));
    const which = unknown.map((position) =>
      looksLikeManifest ? `${position} (${JSON.stringify(names[position - 1]!.slice(0, 40))})` : String(position),
    );
    throw new MiaError(
      'dataset.unknown-column',
      `${file}, line ${line}: ${noun}${unknown.length > 1 ? 's' : ''} ${which.join(', ')} ${unknown.length > 1 ? 'are not manifest columns' : 'is not a manifest column'}; a manifest may only have ${manifestColumns.join(', ')}.`,
      { file, line, positions: unknown },
    );
  }
  const duplicated = names.filter((name, i) => names.indexOf(name) !== i);
  if (duplicated.length > 0) {
    throw new MiaError('dataset.duplicate-column', `${file}, line ${line}: column "${duplicated[0]}" appears twice.`, { file, line });
  }
  for (const required of ['id', 'path'] as const) {
    if (!names.includes(required)) {
      throw new MiaError(
        'dataset.missing-column',
        `${file}, line ${line}: the manifest has no "${required}" column; ${manifestColumns.join(', ')} are expected (id and path at least).`,
        { file, line },
      );
    }
  }
  return names as ManifestColumn[];
}

function checkRow(
  row: RawRow,
  columns: Set<ManifestColumn>,
  defaults: ManifestDefaults,
  file: string,
  issues: IssueCollector,
): ManifestEntry | null {
  const at = `${file}, line ${row.line}`;
  if (row.fieldCount !== undefined) {
    issues.add({
      code: 'dataset.csv-field-count',
      file,
      line: row.line,
      message: `${at}: ${row.fieldCount} fields, but the header has ${columns.size}.`,
    });
    return null;
  }
  const problem = (code: string, field: ManifestColumn, message: string): null => {
    issues.add({ code, file, line: row.line, field, message: `${at}, field ${field}: ${message}` });
    return null;
  };
  const v = row.values;
  const id = typeof v.id === 'number' && Number.isSafeInteger(v.id) ? String(v.id) : v.id;
  if (id === undefined || id === null || id === '') return problem('dataset.bad-id', 'id', 'the id is missing or empty.');
  if (typeof id !== 'string' || id.trim() === '')
    return problem('dataset.bad-id', 'id', `${JSON.stringify(id)} is not an id; use non-empty text or an integer.`);
  if (id.length > maxIdLength)
    return problem('dataset.bad-id', 'id', `the id is ${id.length} characters long; at most ${maxIdLength} are allowed.`);
  if (typeof v.path !== 'string' || v.path.trim() === '') return problem('dataset.path-empty', 'path', 'the path is missing or empty.');

  // Surrounding spaces in the short fields are almost always an editor's doing, not meaning: "cat " is "cat".
  const trimmed = (value: unknown): unknown => (typeof value === 'string' ? value.trim() : value);
  const label = isBlank(v.label) ? null : trimmed(v.label);
  if (label !== null && typeof label !== 'string' && !(typeof label === 'number' && Number.isSafeInteger(label))) {
    return problem('dataset.bad-label', 'label', `${JSON.stringify(label)} is not a label; use a non-negative integer or a class name.`);
  }

  const caption = v.caption === undefined || v.caption === null || v.caption === '' ? null : v.caption;
  if (caption !== null && typeof caption !== 'string') return problem('dataset.bad-caption', 'caption', 'the caption must be text.');
  if (caption !== null && caption.length > maxCaptionLength) {
    return problem(
      'dataset.caption-too-long',
      'caption',
      `the caption is ${caption.length} characters long; at most ${maxCaptionLength} are allowed.`,
    );
  }

  let member: 0 | 1 | null;
  const memberValue = trimmed(v.member);
  if (!columns.has('member') || memberValue === undefined) member = defaults.member;
  else if (memberValue === null || memberValue === '') member = null;
  else if (memberValue === 1 || memberValue === '1') member = 1;
  else if (memberValue === 0 || memberValue === '0') member = 0;
  else
    return problem(
      'dataset.bad-member',
      'member',
      `${JSON.stringify(v.member)} is not a membership value; use 1 (member), 0 (non-member) or leave it empty (unknown).`,
    );

  let role: RecordRole;
  const roleValue = trimmed(v.role);
  if (isBlank(roleValue)) role = defaults.role;
  else if (typeof roleValue === 'string' && (recordRoles as readonly string[]).includes(roleValue)) role = roleValue as RecordRole;
  else return problem('dataset.unknown-role', 'role', `${JSON.stringify(v.role)} is not a role; use one of ${recordRoles.join(', ')}.`);

  return { line: row.line, id, path: v.path, label, caption, member, role };
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
