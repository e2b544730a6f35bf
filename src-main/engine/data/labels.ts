// Turns the labels a manifest wrote into class indices. Two forms are accepted, never mixed: all integers
// (used as they are), or all class names (sorted by code point, each name's position becomes its index, and the
// names are kept as the dataset's class names). Mixing would leave "3" ambiguous between index 3 and a class
// called "3", so it is refused.
import { MiaError } from '../../common/errors';
import type { IssueCollector } from './import-issues';

export interface LabelledRow {
  readonly line: number;
  readonly label: string | number | null;
}

export interface ResolvedLabels {
  /** One per input row, in order; null where the row has no label. */
  readonly labels: (number | null)[];
  /** Set when labels were class names. */
  readonly classNames: string[] | null;
}

const integerText = /^[+-]?\d+$/;

export function resolveLabels(rows: readonly LabelledRow[], file: string, issues: IssueCollector): ResolvedLabels {
  let firstInteger: LabelledRow | undefined;
  let firstName: LabelledRow | undefined;
  for (const row of rows) {
    if (row.label === null) continue;
    const isInteger = typeof row.label === 'number' || integerText.test(row.label.trim());
    if (isInteger) firstInteger ??= row;
    else firstName ??= row;
  }
  if (firstInteger && firstName) {
    issues.add({
      code: 'dataset.mixed-labels',
      file,
      line: firstName.line,
      field: 'label',
      message: `${file}: labels mix integers (line ${firstInteger.line}: ${JSON.stringify(firstInteger.label)}) and class names (line ${firstName.line}: ${JSON.stringify(firstName.label)}); use one form for every row.`,
    });
    return { labels: rows.map(() => null), classNames: null };
  }
  if (firstName) {
    const classNames = sortedClassNames(rows.map((row) => (row.label === null ? null : String(row.label))));
    const index = new Map(classNames.map((name, i) => [name, i]));
    return { labels: rows.map((row) => (row.label === null ? null : (index.get(String(row.label)) ?? null))), classNames };
  }
  const labels = rows.map((row) => {
    if (row.label === null) return null;
    const value = typeof row.label === 'number' ? row.label : Number(row.label.trim());
    if (!Number.isSafeInteger(value) || value < 0 || value > 0x7fffffff) {
      issues.add({
        code: 'dataset.bad-label',
        file,
        line: row.line,
        field: 'label',
        message: `${file}, line ${row.line}, field label: ${JSON.stringify(row.label)} is not a class index; integer labels must be between 0 and 2147483647.`,
      });
      return null;
    }
    return value;
  });
  return { labels, classNames: null };
}

/** Unique names in code-point order, so the index of a class does not depend on the machine's locale. */
export function sortedClassNames(names: readonly (string | null)[]): string[] {
  return [...new Set(names.filter((name): name is string => name !== null))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function assertLabelInRange(label: number, classCount: number, where: string): void {
  if (label < 0 || label >= classCount) {
    throw new MiaError('dataset.bad-label', `${where}: label ${label} is outside 0–${classCount - 1}.`);
  }
}
