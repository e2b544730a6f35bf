// The workspace's models (targets, null models, reference and shadow sets): listing, imports, per-model details
// and the "check against dataset" reports.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type {
  ModelCheckReport,
  ModelDetails,
  ModelImportRequest,
  ModelSetImportRequest,
  ModelSetSummary,
  ModelSummary,
} from '../../src-shared/contract/contract';
import { api } from '../api';
import { useAsyncState } from '../composables/use-async-state';

export const useModelsStore = defineStore('models', () => {
  const models = ref<ModelSummary[]>([]);
  const sets = ref<ModelSetSummary[]>([]);
  const loaded = ref(false);
  const details = ref<Record<number, ModelDetails>>({});
  const checks = ref<Record<string, ModelCheckReport>>({});
  const { loading, error, track, trackRead } = useAsyncState();
  // An import's refusal is shown by the import form, apart from the view's own error.
  const { loading: importing, error: importError, track: trackImport } = useAsyncState();

  async function refresh(): Promise<void> {
    await trackRead(async () => {
      const [list, setList] = await Promise.all([api.models.list(), api.models.sets()]);
      models.value = list;
      sets.value = setList;
      loaded.value = true;
    });
  }

  function guardedImport<T>(work: () => Promise<T>): Promise<T | undefined> {
    return trackImport(async () => {
      const result = await work();
      await refresh();
      return result;
    });
  }

  function importModel(request: ModelImportRequest): Promise<ModelSummary | undefined> {
    return guardedImport(() => api.models.import(request));
  }

  function importSet(request: ModelSetImportRequest): Promise<{ set: ModelSetSummary; models: ModelSummary[] } | undefined> {
    return guardedImport(() => api.models.importSet(request));
  }

  async function loadDetails(modelId: number): Promise<ModelDetails | undefined> {
    return track(async () => {
      const result = await api.models.details({ modelId });
      details.value = { ...details.value, [modelId]: result };
      return result;
    });
  }

  const checkKey = (modelId: number, datasetId: number): string => `${modelId}:${datasetId}`;

  async function checkAgainst(modelId: number, datasetId: number): Promise<ModelCheckReport | undefined> {
    return track(async () => {
      const report = await api.models.check({ modelId, datasetId });
      checks.value = { ...checks.value, [checkKey(modelId, datasetId)]: report };
      return report;
    });
  }

  /**
   * The report this session already has for the pair, else a fresh check. For what New run reads from it (whether the
   * data fits) a stored report never goes stale: a model's configuration and a dataset's records do not change once
   * imported, and a run's start re-verifies the model files anyway. Models → Check calls checkAgainst for a fresh one.
   */
  async function fitOf(modelId: number, datasetId: number): Promise<ModelCheckReport | undefined> {
    return checks.value[checkKey(modelId, datasetId)] ?? checkAgainst(modelId, datasetId);
  }

  return {
    models,
    sets,
    loaded,
    loading,
    error,
    details,
    checks,
    importing,
    importError,
    refresh,
    importModel,
    importSet,
    loadDetails,
    checkAgainst,
    fitOf,
    checkKey,
  };
});
