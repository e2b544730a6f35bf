// The workspace's models (targets, reference and shadow sets, null models).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ModelSummary } from '../../src-preload/contract';
import { api } from '../api';
import { useAsyncState } from '../composables/use-async-state';

export const useModelsStore = defineStore('models', () => {
  const models = ref<ModelSummary[]>([]);
  const loaded = ref(false);
  const { loading, error, track } = useAsyncState();

  async function refresh(): Promise<void> {
    await track(async () => {
      models.value = await api.models.list();
      loaded.value = true;
    });
  }

  return { models, loaded, loading, error, refresh };
});
