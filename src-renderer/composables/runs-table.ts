// The Runs table's rows: what each column shows and sorts by, the text filter, and the sort. Pure, so the view
// stays markup and the ordering rules can be read in one place. AUC and TPR@1 % come only from run details the
// view has already loaded (RunSummary carries no metrics, and a details call per row would cost N backend calls).
import type { RunDetails, RunSummary } from '../../src-shared/contract/contract';

export interface RunRow {
  readonly run: RunSummary;
  readonly target: string;
  readonly dataset: string;
  readonly auc: number | null;
  readonly tprAt1: number | null;
  /** Seconds from start to finish; null while it has not finished. */
  readonly durationS: number | null;
}

export type RunColumn = 'name' | 'target' | 'dataset' | 'attack' | 'status' | 'auc' | 'tprAt1' | 'createdAt' | 'durationS';
export type SortDirection = 'ascending' | 'descending';
export interface RunSort {
  readonly column: RunColumn;
  readonly direction: SortDirection;
}

export interface RowSources {
  readonly modelNames: ReadonlyMap<number, string>;
  readonly datasetNames: ReadonlyMap<number, string>;
  readonly details: Readonly<Record<number, RunDetails>>;
}

export function toRunRow(run: RunSummary, sources: RowSources): RunRow {
  const metrics = sources.details[run.id]?.metrics ?? [];
  const wholeSet = (name: string) => metrics.find((m) => m.slice === '' && m.name === name)?.value ?? null;
  const finished = run.finishedAt === null ? null : (Date.parse(run.finishedAt) - Date.parse(run.createdAt)) / 1000;
  return {
    run,
    target: sources.modelNames.get(run.targetModelId) ?? `model ${run.targetModelId}`,
    dataset: sources.datasetNames.get(run.datasetId) ?? `dataset ${run.datasetId}`,
    auc: wholeSet('auc'),
    tprAt1: wholeSet('tpr@0.01'),
    durationS: finished !== null && Number.isFinite(finished) ? Math.max(0, finished) : null,
  };
}

/** Rows whose name, attack, status or one of whose tags contains the text (case-insensitive); all rows for ''. */
export function filterRunRows(rows: readonly RunRow[], text: string): RunRow[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return [...rows];
  return rows.filter(({ run }) => [run.name, run.attack, run.status, ...run.tags].some((field) => field.toLowerCase().includes(needle)));
}

function sortValue(row: RunRow, column: RunColumn): string | number | null {
  if (column === 'name' || column === 'attack' || column === 'status' || column === 'createdAt') return row.run[column];
  return row[column];
}

/** Sorted by the column; rows without a value (no metrics loaded, not finished) go last either way, ties by id. */
export function sortRunRows(rows: readonly RunRow[], sort: RunSort): RunRow[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = sortValue(a, sort.column);
    const y = sortValue(b, sort.column);
    if (x === null || y === null) return x === y ? b.run.id - a.run.id : x === null ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return order !== 0 ? sign * order : b.run.id - a.run.id;
  });
}

/** A header click: the same column flips its direction, another column starts ascending. */
export function nextSort(current: RunSort, column: RunColumn): RunSort {
  if (current.column !== column) return { column, direction: 'ascending' };
  return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}
