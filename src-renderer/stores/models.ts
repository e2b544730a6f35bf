// The workspace's models (targets, null models, reference and shadow sets): listing, imports, per-model details
// and the "check against dataset" reports.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type {
  DataFitReport,
  ModelCheckReport,
  ModelDetails,
  ModelImportRequest,
  ModelPreprocessRequest,
  ModelRemoteImportRequest,
  ModelSetImportRequest,
  ModelSetSummary,
  ModelSummary,
} from '../../src-shared/contract/contract';
import { classifierAccessOf, diffusionAccessOf, type TargetAccess } from '../../src-shared/domain/target-access';
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

  /** A model served over the network (KServe v2); the backend reads its metadata through the engine's client. */
  function importRemote(request: ModelRemoteImportRequest): Promise<ModelSummary | undefined> {
    return guardedImport(() => api.models.importRemote(request));
  }

  function importSet(request: ModelSetImportRequest): Promise<{ set: ModelSetSummary; models: ModelSummary[] } | undefined> {
    return guardedImport(() => api.models.importSet(request));
  }

  /** A rename's, delete's or null-model link's refusal is shown under the model's actions. */
  const { loading: tidying, error: tidyError, track: trackTidy } = useAsyncState();
  /** The item the last rename or delete was about, so its refusal is not shown under another one. */
  const tidiedId = ref<number | null>(null);

  function rename(modelId: number, name: string): Promise<ModelSummary | undefined> {
    tidiedId.value = modelId;
    return trackTidy(async () => {
      const model = await api.models.rename({ modelId, name });
      await refresh();
      return model;
    });
  }

  /** Deletes a model; a refusal (model.in-use) names the runs, set or training jobs that still use it. */
  function remove(modelId: number): Promise<boolean> {
    tidiedId.value = modelId;
    return trackTidy(async () => {
      await api.models.delete({ modelId });
      await refresh();
      return true;
    }).then((done) => done === true);
  }

  /** Marks a null model as the one New run pre-selects for this target (null clears the mark). */
  function linkNullModel(modelId: number, targetModelId: number | null): Promise<ModelSummary | undefined> {
    tidiedId.value = modelId;
    return trackTidy(async () => {
      const model = await api.models.setNullModel({ modelId, targetModelId });
      await refresh();
      return model;
    });
  }

  /** The newest null model linked to this target, which New run pre-selects. */
  function linkedNullModelOf(targetModelId: number): ModelSummary | undefined {
    return models.value.filter((model) => model.nullForModelId === targetModelId).at(-1);
  }

  async function loadDetails(modelId: number): Promise<ModelDetails | undefined> {
    return track(async () => {
      const result = await api.models.details({ modelId });
      details.value = { ...details.value, [modelId]: result };
      return result;
    });
  }

  /**
   * How a target is reached (target-access.ts), for New run to disable the attacks it cannot serve: a classifier gives
   * its outputs or, marked label-only in the list, its labels only; a listed diffusion model without a remote host is
   * queried through its own denoiser; a remote one's protocol is in its details, loaded once.
   */
  async function targetAccessOfModel(modelId: number): Promise<TargetAccess> {
    const listed = models.value.find((model) => model.id === modelId);
    if (listed?.kind === 'classifier') return classifierAccessOf(listed.labelOnly);
    if (!listed?.remoteHost) return 'denoiser';
    const known = details.value[modelId] ?? (await loadDetails(modelId));
    return diffusionAccessOf(known?.remote);
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
   * Whether the dataset fits the model (models.fit): read from what the workspace stored at import, without hashing
   * the model's files as models.check does, so New run can ask on every pick. A run's start re-verifies the files.
   */
  async function fitOf(modelId: number, datasetId: number): Promise<DataFitReport | undefined> {
    return track(() => api.models.fit({ modelId, datasetId }));
  }

  /** The auditor's preprocessing override (models.setPreprocess); its refusal shows in the model's details panel. */
  const { loading: settingPreprocess, error: preprocessError, track: trackPreprocess } = useAsyncState();

  function setPreprocess(request: ModelPreprocessRequest): Promise<ModelSummary | undefined> {
    return trackPreprocess(async () => {
      const model = await api.models.setPreprocess(request);
      await loadDetails(request.modelId);
      return model;
    });
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
    importRemote,
    importSet,
    tidying,
    tidyError,
    tidiedId,
    rename,
    remove,
    linkNullModel,
    linkedNullModelOf,
    loadDetails,
    targetAccessOfModel,
    checkAgainst,
    fitOf,
    checkKey,
    settingPreprocess,
    preprocessError,
    setPreprocess,
  };
});
