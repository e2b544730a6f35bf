// Shadow and reference models the workbench plans or trains itself: the Python the training bridge uses (setting
// and probe), how this front door picks training folders, the last split plan written, and training jobs kept up
// to date by the backend's progress and status events. A job that finishes imports its model set, so the models
// store is refreshed to list it. A Slurm job's failed array tasks can be resubmitted by index.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type {
  PythonProbe,
  SplitPlanRequest,
  SplitPlanSummary,
  TrainingJobSummary,
  TrainingProgress,
  TrainingSettings,
  TrainingStartRequest,
} from '../../src-shared/contract/contract';
import { api, ApiError } from '../api';
import type { FolderChoice } from '../composables/training-form';
import { createSharedSubscription } from '../composables/shared-subscription';
import { useAsyncState } from '../composables/use-async-state';
import { useModelsStore } from './models';

export const useTrainingStore = defineStore('training', () => {
  /** The saved interpreter path; null = the backend searches (MIA_PYTHON, then PATH). */
  const pythonPath = ref<string | null>(null);
  /** False under the headless host: its Python comes from --python or MIA_PYTHON, never from the page. */
  const pythonChangeable = ref(false);
  /** dialog: the app asks for the folder itself; name: the page names one under `trainingRoot` (the browser). */
  const folderChoice = ref<FolderChoice>(null);
  const trainingRoot = ref<string | null>(null);
  const settingsLoaded = ref(false);
  /** Said when the app's folder dialog was cancelled: nothing was written, and that is no error. */
  const notice = ref<string | null>(null);
  /** The last probe; null until Detect ran (or after the path changed, since the old answer no longer holds). */
  const probe = ref<PythonProbe | null>(null);
  const probing = ref(false);
  const lastPlan = ref<SplitPlanSummary | null>(null);
  const jobs = ref<TrainingJobSummary[]>([]);
  const progress = ref<Record<number, TrainingProgress>>({});
  const loaded = ref(false);
  // Settings and the probe fail on the Settings view; plans and jobs on the Models view: separate errors so
  // neither view shows the other's problem.
  const { loading: settingsLoading, error: settingsError, track: trackSettings } = useAsyncState();
  const { loading, error, track, trackRead } = useAsyncState();

  function applySettings(settings: TrainingSettings): void {
    pythonPath.value = settings.pythonPath;
    pythonChangeable.value = settings.pythonChangeable;
    folderChoice.value = settings.folderChoice;
    trainingRoot.value = settings.trainingRoot;
    settingsLoaded.value = true;
  }

  async function loadSettings(): Promise<void> {
    await trackSettings(async () => applySettings(await api.settings.get()));
  }

  /** Runs a plan or start; a cancelled folder dialog becomes the notice instead of an error. */
  async function inChosenFolder<T>(work: () => Promise<T>): Promise<T | undefined> {
    return track(async () => {
      notice.value = null;
      try {
        return await work();
      } catch (caught) {
        if (!(caught instanceof ApiError) || caught.code !== 'training.folder-not-chosen') throw caught;
        notice.value = caught.message;
        return undefined;
      }
    });
  }

  /**
   * Proposes an interpreter path; blank or null goes back to the automatic search. The app saves it only after the
   * auditor confirms it in its own dialog; a declined or refused change leaves the saved path as it was.
   */
  async function savePythonPath(path: string | null): Promise<boolean> {
    const value = path?.trim() ? path.trim() : null;
    const saved = await trackSettings(async () => {
      applySettings(await api.settings.update({ pythonPath: value }));
      probe.value = null;
      return true;
    });
    return saved ?? false;
  }

  async function detect(): Promise<PythonProbe | undefined> {
    probing.value = true;
    try {
      return await trackSettings(async () => {
        probe.value = await api.training.python();
        return probe.value;
      });
    } finally {
      probing.value = false;
    }
  }

  /** Puts a job's latest summary in the list (newest first, as the backend lists them). */
  function upsertJob(job: TrainingJobSummary): void {
    const others = jobs.value.filter((j) => j.id !== job.id);
    jobs.value = [job, ...others].sort((a, b) => b.id - a.id);
  }

  async function refresh(): Promise<void> {
    await trackRead(async () => {
      jobs.value = await api.training.list();
      loaded.value = true;
    });
  }

  const events = createSharedSubscription(() => [
    api.on('training.progress', (event) => {
      progress.value = { ...progress.value, [event.jobId]: event };
    }),
    api.on('training.status', (job) => {
      const before = jobs.value.find((j) => j.id === job.id);
      upsertJob(job);
      if (job.modelSetId !== null && before?.modelSetId !== job.modelSetId) void useModelsStore().refresh();
    }),
  ]);

  /** Keeps the jobs and their progress live from the backend's events until the returned function is called. */
  function listen(): () => void {
    return events.acquire();
  }

  async function plan(request: SplitPlanRequest): Promise<SplitPlanSummary | undefined> {
    return inChosenFolder(async () => {
      lastPlan.value = await api.training.plan(request);
      return lastPlan.value;
    });
  }

  async function start(request: TrainingStartRequest): Promise<TrainingJobSummary | undefined> {
    return inChosenFolder(async () => {
      const job = await api.training.start(request);
      // A status event may already have brought a newer summary of the same job.
      if (!jobs.value.some((j) => j.id === job.id)) upsertJob(job);
      return job;
    });
  }

  async function cancel(jobId: number): Promise<void> {
    await track(async () => {
      upsertJob(await api.training.cancel({ jobId }));
    });
  }

  /** Submits the given failed array tasks of a failed Slurm job again; the job runs again under the same id. */
  async function resubmit(jobId: number, indices: readonly number[]): Promise<void> {
    await track(async () => {
      upsertJob(await api.training.resubmit({ jobId, indices: [...indices] }));
    });
  }

  return {
    pythonPath,
    pythonChangeable,
    folderChoice,
    trainingRoot,
    settingsLoaded,
    notice,
    probe,
    probing,
    lastPlan,
    jobs,
    progress,
    loaded,
    loading,
    error,
    settingsLoading,
    settingsError,
    loadSettings,
    savePythonPath,
    detect,
    refresh,
    listen,
    plan,
    start,
    cancel,
    resubmit,
  };
});
