// The backend behind every front door: one workspace, one engine client, the contract's handlers and the
// event bus. The Electron app, the headless host and the CLI each create one of these; none of them adds
// behaviour of its own.
import { MiaError } from '../common/errors';
import { createEngineClient, type EngineClient } from '../host/engine-client';
import type { SpawnHost } from '../host/protocol';
import { listDatasets } from '../workspace/datasets-repo';
import { listRecordsPage } from '../workspace/records-repo';
import { importDataset } from './dataset-import';
import { listModels } from '../workspace/models-repo';
import { openWorkspace, type WorkspaceDb } from '../workspace/open-workspace';
import { getRun, listRuns } from '../workspace/runs-repo';
import { EventBus } from './event-bus';
import { createRouter, type Handlers, type Router } from './router';
import type { RunningJobs } from './run-execution';
import { startRun } from './runs-service';
import { workspaceInfo } from './workspace-service';

export interface BackendOptions {
  readonly workspaceFile: string;
  readonly spawnHost: SpawnHost;
}

export interface Backend {
  readonly db: WorkspaceDb;
  readonly engine: EngineClient;
  readonly bus: EventBus;
  readonly router: Router;
  readonly running: RunningJobs;
  /** Resolves when every run started so far has landed (finished, failed, cancelled or interrupted). */
  idle(): Promise<void>;
  close(): void;
}

export function createBackend(options: BackendOptions): Backend {
  const db = openWorkspace(options.workspaceFile);
  const engine = createEngineClient(options.spawnHost);
  const bus = new EventBus();
  const running: RunningJobs = { byRun: new Map() };
  const inFlight = new Set<Promise<void>>();
  const deps = { db, engine, bus, running };

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
      return { total: page.total, items: page.items.map(({ thumbnail, ...item }) => (thumbnail ? { ...item, thumbnail: new Uint8Array(thumbnail) } : item)) };
    },
    'models.list': () => listModels(db),
    'runs.list': () => listRuns(db),
    'runs.get': ({ runId }) => getRun(db, runId),
    'runs.start': async (request) => {
      const { summary, execution } = await startRun(deps, request);
      inFlight.add(execution);
      void execution.finally(() => inFlight.delete(execution));
      return summary;
    },
    'runs.cancel': ({ runId }) => {
      const jobId = running.byRun.get(runId);
      if (!jobId) throw new MiaError('run.not-running', `Run ${runId} is not running, so there is nothing to cancel.`);
      engine.cancel(jobId);
      return getRun(db, runId);
    },
  };

  return {
    db,
    engine,
    bus,
    running,
    router: createRouter(handlers),
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close() {
      engine.dispose();
      db.close();
    },
  };
}
