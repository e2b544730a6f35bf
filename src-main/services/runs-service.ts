// Starting runs: resolves and records the run with its full configuration (run-preparation.ts), and hands the work
// to the engine host.
import type { RunSummary } from '../../src-shared/contract/contract';
import { getRun } from '../workspace/runs-repo';
import type { EngineClient } from '../host/engine-client';
import type { WorkspaceDb } from '../workspace/open-workspace';
import type { ApiKeyStore } from './api-key-store';
import type { EventBus } from './event-bus';
import { executeRun } from './run-execution';
import type { JobRunner } from './job-runner';
import { prepareAttackRun } from './run-preparation';
import type { RunRequest } from './resolve-run-inputs';

export async function startRun(
  deps: { db: WorkspaceDb; engine: EngineClient; bus: EventBus; running: JobRunner; apiKeys?: ApiKeyStore; pythonOption?: string },
  request: RunRequest,
  options: { rerunOf?: number } = {},
): Promise<{ summary: RunSummary; execution: Promise<void> }> {
  const { runId, task } = await prepareAttackRun(deps.db, request, { ...options, apiKeys: deps.apiKeys, pythonOption: deps.pythonOption });
  const execution = executeRun(deps, runId, task);
  return { summary: getRun(deps.db, runId), execution };
}
