// Starting runs: checks the request against the attack's own parameter schema, records the run with its full
// configuration, and hands the work to the engine host.
import type { z } from 'zod';
import type { RunStartRequest, RunSummary } from '../../src-preload/contract';
import { parseWith } from '../common/parse';
import { findAttack } from '../engine/attacks/registry';
import { getRun } from '../workspace/runs-repo';
import type { EngineClient } from '../host/engine-client';
import type { WorkspaceDb } from '../workspace/open-workspace';
import type { EventBus } from './event-bus';
import { executeRun, type RunningJobs } from './run-execution';
import { prepareAttackRun } from './run-preparation';

type ParsedStart = z.output<typeof RunStartRequest>;

export async function startRun(
  deps: { db: WorkspaceDb; engine: EngineClient; bus: EventBus; running: RunningJobs },
  request: ParsedStart,
  options: { rerunOf?: number } = {},
): Promise<{ summary: RunSummary; execution: Promise<void> }> {
  const attack = findAttack(request.attack);
  const params = parseWith(attack.params, request.params, `Parameters of ${attack.id}`, 'run.invalid-params');
  const { runId, task } = await prepareAttackRun(deps.db, attack, { ...request, params }, options);
  const execution = executeRun(deps, runId, task);
  return { summary: getRun(deps.db, runId), execution };
}
