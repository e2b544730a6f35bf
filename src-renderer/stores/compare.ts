// The Compare view's data: for each chosen finished run its details (metrics, checks) and its chart data
// (thinned ROC, histogram bins, per-class AUC), plus the drill-down lists of the most exposed records.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ExportedFiles, ExposedRecords, RunCurves, RunDetails } from '../../src-shared/contract/contract';
import { api } from '../api';
import { useAsyncState } from '../composables/use-async-state';

export interface RunReport {
  readonly details: RunDetails;
  readonly curves: RunCurves;
}

export const useCompareStore = defineStore('compare', () => {
  const selected = ref<number[]>([]);
  const reports = ref<Record<number, RunReport>>({});
  const exposed = ref<Record<string, ExposedRecords>>({});
  const { loading, error, track } = useAsyncState();

  /** Loads what is not cached yet; finished runs never change, so a report is fetched once. */
  async function load(runIds: readonly number[]): Promise<void> {
    selected.value = [...runIds];
    const missing = runIds.filter((id) => !reports.value[id]);
    if (missing.length === 0) return;
    await track(async () => {
      const loaded = await Promise.all(
        missing.map(async (runId) => {
          const [details, curves] = await Promise.all([api.runs.details({ runId }), api.runs.curves({ runId })]);
          return [runId, { details, curves }] as const;
        }),
      );
      reports.value = { ...reports.value, ...Object.fromEntries(loaded) };
    });
  }

  const exposedKey = (runId: number, membersOnly: boolean): string => `${runId}:${membersOnly ? 'members' : 'all'}`;

  async function loadExposed(runId: number, membersOnly: boolean, limit = 24): Promise<ExposedRecords | undefined> {
    const key = exposedKey(runId, membersOnly);
    if (exposed.value[key]) return exposed.value[key];
    return track(async () => {
      const result = await api.runs.exposed({ runId, membersOnly, limit });
      exposed.value = { ...exposed.value, [key]: result };
      return result;
    });
  }

  /**
   * Exports the runs' PDF report and CSVs. Where they go is not ours to say: the app asks with its save dialog, the
   * headless host answers one-time download links (see `delivery`).
   */
  async function exportReport(runIds: number[], title?: string): Promise<ExportedFiles | undefined> {
    const trimmed = title?.trim();
    return track(() => api.reports.export({ runIds, ...(trimmed ? { title: trimmed } : {}) }));
  }

  return { selected, reports, exposed, loading, error, load, loadExposed, exposedKey, exportReport };
});
