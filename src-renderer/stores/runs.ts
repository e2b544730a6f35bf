// Runs and their live progress. Progress and status events from the backend update the list in place.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RunProgress, RunStartRequest, RunSummary } from '../../src-preload/contract';
import { api } from '../api';
import { useAsyncState } from '../composables/use-async-state';

export const useRunsStore = defineStore('runs', () => {
  const runs = ref<RunSummary[]>([]);
  const progress = ref<Record<number, RunProgress>>({});
  const loaded = ref(false);
  const { loading, error, track } = useAsyncState();
  let unsubscribe: (() => void)[] = [];

  async function refresh(): Promise<void> {
    await track(async () => {
      runs.value = await api.runs.list();
      loaded.value = true;
    });
  }

  function listen(): void {
    if (unsubscribe.length > 0) return;
    unsubscribe = [
      api.on('runs.progress', (event) => {
        progress.value = { ...progress.value, [event.runId]: event };
      }),
      api.on('runs.status', () => {
        void refresh();
      }),
    ];
  }

  function stopListening(): void {
    for (const stop of unsubscribe) stop();
    unsubscribe = [];
  }

  async function start(request: RunStartRequest): Promise<RunSummary | undefined> {
    return track(async () => {
      const run = await api.runs.start(request);
      await refresh();
      return run;
    });
  }

  async function cancel(runId: number): Promise<void> {
    await track(async () => {
      await api.runs.cancel({ runId });
    });
  }

  return { runs, progress, loaded, loading, error, refresh, listen, stopListening, start, cancel };
});
