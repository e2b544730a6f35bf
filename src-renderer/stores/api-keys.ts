// API keys of remote targets: which names the app's encrypted store holds, or that this host reads keys from its
// environment. The page sends a key once (keys.set) and never gets one back.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ApiKeyStatus } from '../../src-shared/contract/contract';
import { api } from '../api';
import { useAsyncState } from '../composables/use-async-state';

export const useApiKeysStore = defineStore('apiKeys', () => {
  const status = ref<ApiKeyStatus | null>(null);
  const { loading, error, track, trackRead } = useAsyncState();

  async function refresh(): Promise<void> {
    await trackRead(async () => {
      status.value = await api.keys.list();
    });
  }

  /** Stores the key under the variable name; true when stored (a refusal is in `error`). */
  async function store(name: string, key: string): Promise<boolean> {
    const stored = await track(async () => {
      status.value = await api.keys.set({ name, key });
      return true;
    });
    return stored === true;
  }

  async function remove(name: string): Promise<void> {
    await track(async () => {
      status.value = await api.keys.delete({ name });
    });
  }

  return { status, loading, error, refresh, store, remove };
});
