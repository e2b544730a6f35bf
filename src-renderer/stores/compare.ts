// The Compare view's data: for each chosen finished run its details (metrics, checks) and its chart data
// (thinned ROC, histogram bins, per-class AUC), plus the drill-down lists of the most exposed records.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ExportedFiles, ExposedRecords, ReportCover, RunCurves, RunDetails } from '../../src-shared/contract/contract';
import { api } from '../api';
import { useAsyncState } from '../composables/use-async-state';

export interface RunReport {
  readonly details: RunDetails;
  readonly curves: RunCurves;
}

/** The cover fields as the export form holds them: every one a string, empty when not given. */
export type CoverFields = { [Field in keyof ReportCover]-?: string };

/** Today in the auditor's time zone, as the cover's date field wants it (YYYY-MM-DD). */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

export const useCompareStore = defineStore('compare', () => {
  const selected = ref<number[]>([]);
  const reports = ref<Record<number, RunReport>>({});
  const exposed = ref<Record<string, ExposedRecords>>({});
  const { loading, error, track } = useAsyncState();
  /** The report's cover as last filled in: kept for the session, so a second export need not retype it. */
  const reportCover = ref<CoverFields>({ title: 'Membership inference audit', client: '', auditor: '', scope: '', date: today() });

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
  /** `bundle`: one signed evidence bundle (PDF, CSVs, configs, provenance) instead of the loose files. */
  // `judging`: the risk policy whose verdict the PDF's first page gives, and the prior its precision is stated for.
  async function exportReport(
    runIds: number[],
    title?: string,
    cover?: CoverFields,
    bundle = false,
    judging: { policyPath?: string; memberPrior?: number } = {},
  ): Promise<ExportedFiles | undefined> {
    const trimmed = title?.trim();
    // Empty fields are left off: the backend fills in the defaults and leaves the rest off the cover.
    const given = Object.fromEntries(Object.entries(cover ?? {}).filter(([, value]) => value.trim() !== '')) as ReportCover;
    return track(() =>
      api.reports.export({
        runIds,
        ...(trimmed ? { title: trimmed } : {}),
        ...(Object.keys(given).length > 0 ? { cover: given } : {}),
        ...(bundle ? { bundle: true } : {}),
        ...judging,
      }),
    );
  }

  return { selected, reports, exposed, loading, error, load, loadExposed, exposedKey, exportReport, reportCover };
});
