// Workspace facts (path, schema, counts) for the header and Settings.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { WorkspaceInfo } from '../../src-shared/contract/contract';
import { api } from '../api';
import { useAsyncState } from '../composables/use-async-state';

export const useWorkspaceStore = defineStore('workspace', () => {
  const info = ref<WorkspaceInfo | null>(null);
  const { loading, error, track } = useAsyncState();

  async function refresh(): Promise<void> {
    await track(async () => {
      info.value = await api.workspace.info();
    });
  }

  return { info, loading, error, refresh };
});
