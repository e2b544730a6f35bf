// The workspace's datasets as the Datasets view shows them: the list, imports (with the per-file problems of a
// failed one), record counts per role and label, and pages of records for the thumbnail grid.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DatasetImportRequest, DatasetSummary, RecordCounts, RecordPage, RecordPageQuery } from '../../src-shared/contract/contract';
import { api } from '../api';
import { useAsyncState, type ShownError } from '../composables/use-async-state';

/** One problem of a failed import, as the backend lists it in `error.details.issues`. */
export interface ImportIssue {
  code: string;
  message: string;
  file: string | null;
  line: number | null;
  field: string | null;
}

export function importIssuesOf(error: ShownError | null): ImportIssue[] {
  const issues = error?.details?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.map((raw) => {
    const issue = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    return {
      code: typeof issue.code === 'string' ? issue.code : (error?.code ?? ''),
      message: typeof issue.message === 'string' ? issue.message : String(raw),
      file: typeof issue.file === 'string' ? issue.file : null,
      line: typeof issue.line === 'number' ? issue.line : typeof issue.index === 'number' ? issue.index : null,
      field: typeof issue.field === 'string' ? issue.field : typeof issue.path === 'string' && issue.path ? issue.path : null,
    };
  });
}

export const useDatasetsStore = defineStore('datasets', () => {
  const datasets = ref<DatasetSummary[]>([]);
  const loaded = ref(false);
  const counts = ref<Record<number, RecordCounts>>({});
  const { loading, error, track, trackRead } = useAsyncState();
  // An import's refusal is shown by the import form, with its per-file issues, apart from the view's own error.
  const { loading: importing, error: importError, track: trackImport } = useAsyncState();

  async function refresh(): Promise<void> {
    await trackRead(async () => {
      datasets.value = await api.datasets.list();
      loaded.value = true;
    });
  }

  /** Imports a dataset; on failure `importError` keeps the code, message and per-file issues. */
  async function importDataset(request: DatasetImportRequest): Promise<DatasetSummary | undefined> {
    return trackImport(async () => {
      const { dataset } = await api.datasets.import(request);
      await refresh();
      return dataset;
    });
  }

  async function loadCounts(datasetId: number): Promise<RecordCounts | undefined> {
    return track(async () => {
      const result = await api.datasets.counts({ datasetId });
      counts.value = { ...counts.value, [datasetId]: result };
      return result;
    });
  }

  /** A rename's or delete's refusal is shown under the dataset's actions, apart from the view's own error. */
  const { loading: tidying, error: tidyError, track: trackTidy } = useAsyncState();
  /** The item the last rename or delete was about, so its refusal is not shown under another one. */
  const tidiedId = ref<number | null>(null);

  /** Renames a dataset; the backend trims the name and refuses one another dataset has (dataset.name-taken). */
  function rename(datasetId: number, name: string): Promise<DatasetSummary | undefined> {
    tidiedId.value = datasetId;
    return trackTidy(async () => {
      const dataset = await api.datasets.rename({ datasetId, name });
      await refresh();
      return dataset;
    });
  }

  /** Deletes a dataset; a refusal (dataset.in-use) names the runs and training jobs that still use it. */
  function remove(datasetId: number): Promise<boolean> {
    tidiedId.value = datasetId;
    return trackTidy(async () => {
      await api.datasets.delete({ datasetId });
      await refresh();
      return true;
    }).then((done) => done === true);
  }

  /** One page of records; the grid keeps its own cache of pages, so this does not touch the store's state. */
  function fetchRecords(query: RecordPageQuery): Promise<RecordPage> {
    return api.datasets.records(query);
  }

  return {
    datasets,
    loaded,
    loading,
    error,
    counts,
    importing,
    importError,
    tidying,
    tidyError,
    tidiedId,
    refresh,
    importDataset,
    loadCounts,
    fetchRecords,
    rename,
    remove,
  };
});
