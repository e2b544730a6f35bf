// The Runs table's rows: what each column shows and sorts by, the text filter, and the sort. Pure, so the view
// stays markup and the ordering rules can be read in one place. AUC and TPR@1 % come with every run summary
// (runs.list reads them in the same query), so every finished run can be sorted by them, opened or not.
import type { RunSummary } from '../../src-shared/contract/contract';
import { nonDefaultParams } from '../../src-shared/presentation/run-name';

export interface RunRow {
  readonly run: RunSummary;
  readonly target: string;
  readonly dataset: string;
  /** The parameters that differ from the attack's defaults ("variant offline · nReference 4"); '' when none do. */
  readonly params: string;
  readonly auc: number | null;
  readonly tprAt1: number | null;
  /** Seconds from start to finish; null while it has not finished. */
  readonly durationS: number | null;
}

export type RunColumn = 'name' | 'target' | 'dataset' | 'attack' | 'params' | 'status' | 'auc' | 'tprAt1' | 'createdAt' | 'durationS';
export type SortDirection = 'ascending' | 'descending';
export interface RunSort {
  readonly column: RunColumn;
  readonly direction: SortDirection;
}

export interface RowSources {
  readonly modelNames: ReadonlyMap<number, string>;
  readonly datasetNames: ReadonlyMap<number, string>;
  /** Each attack's parameter defaults (paramDefaults of its schema, presentation/run-name.ts). */
  readonly attackDefaults: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
}

export function toRunRow(run: RunSummary, sources: RowSources): RunRow {
  const finished = run.finishedAt === null ? null : (Date.parse(run.finishedAt) - Date.parse(run.createdAt)) / 1000;
  return {
    run,
    target: sources.modelNames.get(run.targetModelId) ?? `model ${run.targetModelId}`,
    dataset: sources.datasetNames.get(run.datasetId) ?? `dataset ${run.datasetId}`,
    params: nonDefaultParamsOf(run, sources.attackDefaults),
    auc: run.headline.auc,
    tprAt1: run.headline.tprAt1Percent,
    durationS: finished !== null && Number.isFinite(finished) ? Math.max(0, finished) : null,
  };
}

/** Empty until the attack's defaults are known: listing every parameter meanwhile would read as if none were default. */
function nonDefaultParamsOf(run: RunSummary, attackDefaults: RowSources['attackDefaults']): string {
  const defaults = attackDefaults.get(run.attack);
  return defaults ? nonDefaultParams(run.params, defaults).join(' · ') : '';
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

/** Sorted by the column; rows without a value (not finished, no such metric) go last either way, ties by id. */
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
