// Re-run: a new run from a stored run's configuration (attack, parameters, seed, models, dataset). Runs are
// immutable, so this never touches the original.
import { z } from 'zod';
import { RunStartRequest, type RunSummary } from '../../src-shared/contract/contract';
import { parseWith } from '../common/parse';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { getRunConfig } from '../workspace/runs-repo';
import type { EngineClient } from '../host/engine-client';
import type { EventBus } from './event-bus';
import type { RunningJobs } from './run-execution';
import { startRun } from './runs-service';

/** What run preparation stores as a run's `config` (see run-preparation.ts); ids that were not given are null. */
const StoredRunConfig = z.looseObject({
  attack: z.string(),
  params: z.unknown(),
  seed: z.number().int(),
  targetModelId: z.number().int().positive(),
  datasetId: z.number().int().positive(),
  referenceSetId: z.number().int().positive().nullable().optional(),
  shadowSetId: z.number().int().positive().nullable().optional(),
  nullModelId: z.number().int().positive().nullable().optional(),
});

export function startRequestOfRun(db: WorkspaceDb, runId: number): z.output<typeof RunStartRequest> {
  const stored = parseWith(StoredRunConfig, getRunConfig(db, runId), `Configuration of run ${runId}`, 'run.bad-config');
  const request = {
    attack: stored.attack,
    targetModelId: stored.targetModelId,
    datasetId: stored.datasetId,
    seed: stored.seed,
    params: stored.params ?? {},
    ...(stored.referenceSetId ? { referenceSetId: stored.referenceSetId } : {}),
    ...(stored.shadowSetId ? { shadowSetId: stored.shadowSetId } : {}),
    ...(stored.nullModelId ? { nullModelId: stored.nullModelId } : {}),
  };
  return parseWith(RunStartRequest, request, `Configuration of run ${runId}`, 'run.bad-config');
}

export function rerunRun(
  deps: { db: WorkspaceDb; engine: EngineClient; bus: EventBus; running: RunningJobs },
  runId: number,
): Promise<{ summary: RunSummary; execution: Promise<void> }> {
  return startRun(deps, startRequestOfRun(deps.db, runId), { rerunOf: runId });
}
