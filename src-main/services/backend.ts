// The backend behind every front door: one workspace, one engine client, the contract's handlers and the
// event bus. The Electron app, the headless host and the CLI each create one of these; none of them adds
// behaviour of its own.
import { createEngineClient, type EngineClient } from '../host/engine-client';
import type { SpawnHost } from '../host/protocol';
import { getDataset, listDatasets } from '../workspace/datasets-repo';
import { countRecords, listRecordsPage } from '../workspace/records-repo';
import { importDataset } from './dataset-import';
import { listModels } from '../workspace/models-repo';
import { openWorkspace, type WorkspaceDb } from '../workspace/open-workspace';
import { describeRun, getRun, listRuns } from '../workspace/runs-repo';
import { EventBus } from './event-bus';
import { createRouter, type Handlers, type Router } from './router';
import { createJobRunner, type JobRunner } from './job-runner';
import { startRun } from './runs-service';
import { discardRun, resumeRun } from './run-resume';
import { cancelRun } from './run-cancel';
import { startOrphanSweep } from './orphan-sweep';
import { deliverReport } from './reports/report-delivery';
import { unattendedFrontDoor, type FrontDoor } from './front-door';
import { importModelFromContract, importModelSetFromContract, listModelSetSummaries, modelDetails } from './model-queries';
import { checkModelAgainstDataset } from './model-queries-check';
import { importRemoteModel } from './remote-model-import';
import { dataFitReport } from './data-fit';
import { runDetails } from './run-report';
import { runCurves } from './run-report-curves';
import { exposedRecords } from './run-report-exposed';
import { describeSetInference, estimateRun, listAttacks } from './ui-queries-attacks';
import { rerunRun } from './ui-queries-rerun';
import { workspaceInfo } from './workspace-service';
import { deleteDataset, deleteModel, deleteRun, renameDataset, renameModel } from './workspace-tidy';
import { linkNullModel } from './null-model-link';
import { setModelPreprocess } from './model-preprocess';
import { createTrainingService, type TrainingService } from './training/training-service';
import { createPythonSetting } from './training/python-setting';
import { chooseTrainingFolder, trainingFolderSettings } from './training/training-folder';
import { refuseSlurmCommandsFromPage } from './training/slurm-page-guard';
import { chooseOpenPath, listOfferedFolder } from './files/open-paths';
import { apiKeyHandlers } from './api-key-channels';
import { readAuditSettings, updateAuditSettings } from './policy/audit-settings';
import { workspaceVerdicts } from './policy/target-verdicts';
import { environmentWithStoredKey } from './api-key-environment';

export interface BackendOptions {
  readonly workspaceFile: string;
  readonly spawnHost: SpawnHost;
  /** The training recipe script; tests point it elsewhere to exercise failures. Defaults to resources/training. */
  readonly trainingScript?: string;
  /** What the front door can ask of the person at the machine (a Python change, where an export or a plan goes); default: nothing. */
  readonly frontDoor?: FrontDoor;
  /** The training bridge's Python given when the front door was started (`--python`); wins over the saved setting. */
  readonly python?: string;
}

export interface Backend {
  readonly db: WorkspaceDb;
  readonly engine: EngineClient;
  readonly bus: EventBus;
  readonly router: Router;
  /** The runs and training jobs this process runs. */
  readonly running: JobRunner;
  readonly training: TrainingService;
  /** Resolves when every run and training job started so far has landed (finished, failed, cancelled or interrupted). */
  idle(): Promise<void>;
  close(): void;
}

export function createBackend(options: BackendOptions): Backend {
  const db = openWorkspace(options.workspaceFile);
  const frontDoor = options.frontDoor ?? unattendedFrontDoor;
  const engine = createEngineClient(options.spawnHost);
  const bus = new EventBus();
  const running = createJobRunner();
  // In the app, runs read the keys of their remote models from its store (api-key-environment.ts).
  // qmia's Python is found like the training bridge's: the front door's --python first (run-training-bridge.ts).
  const deps = { db, engine, bus, running, apiKeys: frontDoor.apiKeys, pythonOption: options.python };
  const orphans = startOrphanSweep({ db, bus });
  const python = createPythonSetting({ db, frontDoor, option: options.python });
  const training = createTrainingService({
    db,
    bus,
    engine,
    runner: running,
    python,
    ...(options.trainingScript ? { script: options.trainingScript } : {}),
  });

  const handlers: Handlers = {
    'workspace.info': () => workspaceInfo(db, options.workspaceFile),
    'datasets.list': () => listDatasets(db),
    'datasets.import': async (request) => {
      const { dataset, skipped } = await importDataset(db, request);
      return { dataset: listDatasets(db).find((d) => d.id === dataset.id)!, skipped };
    },
    'datasets.records': (query) => {
      const page = listRecordsPage(db, query);
      // Buffers become plain byte arrays so both bridges (structured clone, WebSocket codec) carry them alike.
      return {
        total: page.total,
        items: page.items.map(({ thumbnail, ...item }) => (thumbnail ? { ...item, thumbnail: new Uint8Array(thumbnail) } : item)),
      };
    },
    'datasets.rename': ({ datasetId, name }) => renameDataset(db, datasetId, name),
    'datasets.delete': ({ datasetId }) => deleteDataset(db, datasetId),
    'datasets.counts': ({ datasetId }) => {
      getDataset(db, datasetId); // an unknown or half-imported dataset is an error, not empty counts
      return countRecords(db, datasetId);
    },
    'models.list': () => listModels(db),
    'models.import': (request) => importModelFromContract(db, request),
    'models.importRemote': (request) => importRemoteModel(db, request, environmentWithStoredKey(frontDoor.apiKeys, request.endpoint)),
    'models.importSet': (request) => importModelSetFromContract(db, request),
    'models.sets': () => listModelSetSummaries(db),
    'models.details': ({ modelId }) => modelDetails(db, modelId),
    'models.check': ({ modelId, datasetId }) => checkModelAgainstDataset(db, modelId, datasetId),
    'models.rename': ({ modelId, name }) => renameModel(db, modelId, name),
    'models.delete': ({ modelId }) => deleteModel(db, modelId),
    'models.setNullModel': ({ modelId, targetModelId }) => linkNullModel(db, modelId, targetModelId),
    'models.setPreprocess': (request) => setModelPreprocess(db, request),
    'models.fit': ({ modelId, datasetId }) => dataFitReport(db, modelId, datasetId),
    'attacks.list': () => listAttacks(),
    'attacks.setInference': () => describeSetInference(),
    'runs.list': () => listRuns(db),
    'runs.get': ({ runId }) => getRun(db, runId),
    // A started run is tracked by the job runner until it lands (executeRun), so the handlers return its summary.
    'runs.start': async (request) => (await startRun(deps, request)).summary,
    'runs.cancel': ({ runId }) => {
      orphans.sweepNow();
      return cancelRun(deps, runId);
    },
    'runs.describe': ({ runId, ...description }) => describeRun(db, runId, description),
    'runs.estimate': (request) => estimateRun(db, request),
    'runs.details': ({ runId }) => runDetails(db, runId),
    'runs.curves': (request) => runCurves(db, request),
    'runs.exposed': (request) => exposedRecords(db, request),
    'runs.rerun': async ({ runId }) => (await rerunRun(deps, runId)).summary,
    'runs.resume': async ({ runId }) => {
      orphans.sweepNow();
      return (await resumeRun(deps, runId)).summary;
    },
    'runs.discard': ({ runId }) => {
      orphans.sweepNow();
      discardRun(db, runId);
      return { runId };
    },
    'runs.delete': ({ runId }) => {
      orphans.sweepNow(); // a run whose owner died is interrupted, and so can be deleted
      return deleteRun(db, runId);
    },
    'reports.export': (request) => deliverReport(db, frontDoor, request),
    'settings.get': () => ({ ...python.get(), ...trainingFolderSettings(frontDoor) }),
    'settings.update': async ({ pythonPath }) => ({ ...(await python.update(pythonPath)), ...trainingFolderSettings(frontDoor) }),
    'audit.settings': () => readAuditSettings(db),
    'audit.updateSettings': (update) => updateAuditSettings(db, update),
    'audit.verdicts': () => workspaceVerdicts(db),
    'training.python': () => training.python(),
    // The page names at most a folder; where the files go is the front door's answer (a dialog, or the training root).
    'training.plan': async (request) => training.plan(request, await chooseTrainingFolder(frontDoor, request)),
    'training.start': async (request) => {
      refuseSlurmCommandsFromPage(request);
      return training.start(request, await chooseTrainingFolder(frontDoor, request));
    },
    'training.list': () => training.list(),
    'training.cancel': ({ jobId }) => training.cancel(jobId),
    'training.resubmit': ({ jobId, indices }) => training.resubmit(jobId, indices),
    'files.chooseOpen': ({ purpose }) => chooseOpenPath(frontDoor, purpose),
    'files.list': (request) => listOfferedFolder(frontDoor, request),
    ...apiKeyHandlers(frontDoor),
  };

  return {
    db,
    engine,
    bus,
    running,
    training,
    router: createRouter(handlers),
    idle: () => running.idle(),
    close() {
      orphans.stop();
      running.stopAll();
      engine.dispose();
      db.close();
    },
  };
}
