// Re-run: a new run from a stored run's configuration (attack, parameters, seed, models, dataset). Runs are
// immutable, so this never touches the original.
import { z } from 'zod';
import { RunStartRequest, type RunSummary } from '../../src-shared/contract/contract';
import { parseWith } from '../common/parse';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { getRunConfig } from '../workspace/runs-repo';
import type { EngineClient } from '../host/engine-client';
import type { EventBus } from './event-bus';
import type { JobRunner } from './job-runner';
import { startRun } from './runs-service';
import type { ApiKeyStore } from './api-key-store';

export function startRequestOfRun(db: WorkspaceDb, runId: number): z.output<typeof RunStartRequest> {
  const stored = getRunConfig(db, runId);
  const request = {
    attack: stored.attack,
    targetModelId: stored.targetModelId,
    datasetId: stored.datasetId,
    seed: stored.seed,
    params: stored.params ?? {},
    ...(stored.referenceSetId ? { referenceSetId: stored.referenceSetId } : {}),
    ...(stored.shadowSetId ? { shadowSetId: stored.shadowSetId } : {}),
    ...(stored.nullModelId ? { nullModelId: stored.nullModelId } : {}),
    ...(stored.resize === true ? { resize: true } : {}),
    ...(stored.queryBudget ? { queryBudget: stored.queryBudget } : {}),
    ...(stored.epsilonDelta ? { epsilonDelta: stored.epsilonDelta } : {}),
  };
  return parseWith(RunStartRequest, request, `Configuration of run ${runId}`, 'run.bad-config');
}

export function rerunRun(
  deps: { db: WorkspaceDb; engine: EngineClient; bus: EventBus; running: JobRunner; apiKeys?: ApiKeyStore },
  runId: number,
): Promise<{ summary: RunSummary; execution: Promise<void> }> {
  return startRun(deps, startRequestOfRun(deps.db, runId), { rerunOf: runId });
}
