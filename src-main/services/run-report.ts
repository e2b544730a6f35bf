// One run as the Runs and Compare views show it: the summary, the stored configuration, every metric row, the
// validity checks with their plain-words messages, and the run log.
import type { RunDetails } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import { getDataset } from '../workspace/datasets-repo';
import { getModel } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { getRun, getRunConfig, readChecks, readMetrics, readRunLog } from '../workspace/runs-repo';

/** A name for the header; a model or dataset that can no longer be read shows as null rather than failing the view. */
function nameOrNull(read: () => { name: string }): string | null {
  try {
    return read().name;
  } catch (error) {
    if (error instanceof MiaError) return null;
    throw error;
  }
}

export function runDetails(db: WorkspaceDb, runId: number): RunDetails {
  const run = getRun(db, runId);
  let config: Record<string, unknown> = {};
  try {
    config = getRunConfig(db, runId);
  } catch (error) {
    // A configuration that cannot be read shows as empty rather than failing the view, as a missing name does.
    if (!(error instanceof MiaError)) throw error;
  }
  return {
    run,
    targetModelName: nameOrNull(() => getModel(db, run.targetModelId)),
    ...(labelOnlyTarget(db, run.targetModelId) ? { targetLabelOnly: true as const } : {}),
    datasetName: nameOrNull(() => getDataset(db, run.datasetId)),
    config,
    metrics: readMetrics(db, runId),
    checks: readChecks(db, runId).map(({ kind, status, value, message }) => ({ kind, status, value, message })),
    log: readRunLog(db, runId),
  };
}

/** Whether the run's target is marked label-only; a target no longer in the workspace reads as not. */
function labelOnlyTarget(db: WorkspaceDb, modelId: number): boolean {
  try {
    return getModel(db, modelId).labelOnly === true;
  } catch (error) {
    if (error instanceof MiaError) return false;
    throw error;
  }
}
