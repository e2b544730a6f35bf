// Runs and their live progress. Progress and status events from the backend update the list in place; a run's
// details (configuration, metrics, checks, log) are loaded when a view asks for them. An interrupted run can be
// resumed under its own id or discarded; asking the auditor to confirm a discard is the view's job.
import { defineStore } from 'pinia';
import { ref, type Ref } from 'vue';
import type { RunDescribeRequest, RunDetails, RunProgress, RunStartRequest, RunSummary } from '../../src-shared/contract/contract';
import { api } from '../api';
import { createSharedSubscription } from '../composables/shared-subscription';
import { attempt, useAsyncState, type ShownError } from '../composables/use-async-state';

export const useRunsStore = defineStore('runs', () => {
  const runs = ref<RunSummary[]>([]);
  const progress = ref<Record<number, RunProgress>>({});
  const details = ref<Record<number, RunDetails>>({});
  const loaded = ref(false);
  const { loading, error, track, trackRead } = useAsyncState();
  // A refusal of a rename, tags or note belongs under the form's fields, not in the view's banner.
  const { loading: describing, error: describeError, track: trackDescribe } = useAsyncState();
  const statusListeners = new Set<(runId: number) => void>();

  async function refresh(): Promise<void> {
    await trackRead(async () => {
      runs.value = await api.runs.list();
      loaded.value = true;
    });
  }

  const events = createSharedSubscription(() => [
    api.on('runs.progress', (event) => {
      progress.value = { ...progress.value, [event.runId]: event };
    }),
    api.on('runs.status', (event) => {
      void refresh().then(() => {
        for (const listener of statusListeners) listener(event.runId);
      });
    }),
  ]);

  /** Keeps the list and progress live from the backend's events until the returned function is called. */
  function listen(): () => void {
    return events.acquire();
  }

  /** Called after the list has caught up with a run's status change (a view refreshes the run it shows). */
  function onStatusChange(listener: (runId: number) => void): () => void {
    statusListeners.add(listener);
    return () => statusListeners.delete(listener);
  }

  async function start(request: RunStartRequest): Promise<RunSummary | undefined> {
    return track(async () => {
      const run = await api.runs.start(request);
      await refresh();
      return run;
    });
  }

  /** Starts several runs (one per attack); each either starts or reports why not, independently. */
  async function startMany(
    requests: readonly RunStartRequest[],
  ): Promise<{ started: RunSummary[]; refused: { attack: string; error: ShownError }[] }> {
    const started: RunSummary[] = [];
    const refused: { attack: string; error: ShownError }[] = [];
    for (const request of requests) {
      const result = await attempt(() => api.runs.start(request));
      if (result.ok) started.push(result.value);
      else refused.push({ attack: request.attack, error: result.error });
    }
    await refresh();
    return { started, refused };
  }

  async function cancel(runId: number): Promise<void> {
    await track(async () => {
      await api.runs.cancel({ runId });
    });
  }

  async function rerun(runId: number): Promise<RunSummary | undefined> {
    return track(async () => {
      const run = await api.runs.rerun({ runId });
      await refresh();
      return run;
    });
  }

  /**
   * Runs an interrupted run again under its own id (the backend re-verifies its inputs first). Its progress then
   * arrives through the usual events; the last progress of the interrupted attempt is dropped so it is not shown
   * as the new attempt's.
   */
  async function resume(runId: number): Promise<RunSummary | undefined> {
    return track(async () => {
      forget(progress, runId);
      const run = await api.runs.resume({ runId });
      await refresh();
      return run;
    });
  }

  /** Deletes an interrupted run and its partial scores; true once it is gone. */
  async function discard(runId: number): Promise<boolean> {
    const discarded = await track(async () => {
      await api.runs.discard({ runId });
      await dropRun(runId);
      return true;
    });
    return discarded === true;
  }

  /** After the backend deleted a run: it leaves the list, its progress and its details at once, then the list reloads. */
  async function dropRun(runId: number): Promise<void> {
    runs.value = runs.value.filter((r) => r.id !== runId);
    forget(progress, runId);
    forget(details, runId);
    await refresh();
  }

  // A refused delete (a running run, one that re-runs were started from) is shown beside the Delete button.
  const { loading: deleting, error: deleteError, track: trackDelete } = useAsyncState();
  /** The run the last delete was about, so its refusal is not shown in another run's details. */
  const deletedId = ref<number | null>(null);

  /** Deletes a run that is over (finished, failed, cancelled) with its scores; true once it is gone. */
  async function remove(runId: number): Promise<boolean> {
    deletedId.value = runId;
    const removed = await trackDelete(async () => {
      await api.runs.delete({ runId });
      await dropRun(runId);
      return true;
    });
    return removed === true;
  }

  /** Renames, tags or annotates a run; the list and any loaded details show the backend's stored values. */
  async function describe(request: RunDescribeRequest): Promise<RunSummary | undefined> {
    return trackDescribe(async () => {
      const run = await api.runs.describe(request);
      runs.value = runs.value.map((r) => (r.id === run.id ? run : r));
      const loaded = details.value[run.id];
      if (loaded) details.value = { ...details.value, [run.id]: { ...loaded, run } };
      return run;
    });
  }

  async function loadDetails(runId: number): Promise<RunDetails | undefined> {
    return trackRead(async () => {
      const result = await api.runs.details({ runId });
      details.value = { ...details.value, [runId]: result };
      return result;
    });
  }

  return {
    runs,
    progress,
    details,
    loaded,
    loading,
    error,
    refresh,
    listen,
    onStatusChange,
    start,
    startMany,
    cancel,
    rerun,
    resume,
    discard,
    remove,
    deleting,
    deleteError,
    deletedId,
    describe,
    describing,
    describeError,
    loadDetails,
  };
});

/** Drops one run's entry from a per-run map (replaced, not mutated, like every other update of these maps). */
function forget<T>(byRun: Ref<Record<number, T>>, runId: number): void {
  if (!(runId in byRun.value)) return;
  const rest = { ...byRun.value };
  delete rest[runId];
  byRun.value = rest;
}
