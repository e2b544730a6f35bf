// One run as the Runs and Compare views show it: the summary, the stored configuration, every metric row, the
// validity checks with their plain-words messages, and the run log.
import { z } from 'zod';
import type { RunDetails } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import { getDataset } from '../workspace/datasets-repo';
import { getModel } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { getRun, getRunConfig, readChecks, readMetrics, readRunLog } from '../workspace/runs-repo';

const ConfigObject = z.record(z.string(), z.unknown());

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
  const config = ConfigObject.safeParse(getRunConfig(db, runId));
  return {
    run,
    targetModelName: nameOrNull(() => getModel(db, run.targetModelId)),
    datasetName: nameOrNull(() => getDataset(db, run.datasetId)),
    config: config.success ? config.data : {},
    metrics: readMetrics(db, runId),
    checks: readChecks(db, runId).map(({ kind, status, value, message }) => ({ kind, status, value, message })),
    log: readRunLog(db, runId),
  };
}
