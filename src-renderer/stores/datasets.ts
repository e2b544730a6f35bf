// The workspace's datasets as the Datasets view shows them.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DatasetSummary } from '../../src-preload/contract';
import { api } from '../api';
import { useAsyncState } from '../composables/use-async-state';

export const useDatasetsStore = defineStore('datasets', () => {
  const datasets = ref<DatasetSummary[]>([]);
  const loaded = ref(false);
  const { loading, error, track } = useAsyncState();

  async function refresh(): Promise<void> {
    await track(async () => {
      datasets.value = await api.datasets.list();
      loaded.value = true;
    });
  }

  return { datasets, loaded, loading, error, refresh };
});
