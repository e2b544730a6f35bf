// Cancelling a run from any front door, whichever process runs it. The request is written into the workspace first:
// from that moment the run can only land as `cancelled` (see finishRun). A run this process runs is also stopped at
// once through the job runner; a run another process runs is stopped by that process, which polls for the request.
import type { RunSummary } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { appendRunLog, getRun, requestRunCancel, runOwner } from '../workspace/runs-repo';
import type { JobRunner } from './job-runner';

export function cancelRun(deps: { db: WorkspaceDb; running: JobRunner }, runId: number): RunSummary {
  const { db, running } = deps;
  const accepted = db
    .transaction(() => {
      if (!requestRunCancel(db, runId)) return false;
      const owner = runOwner(db, runId);
      const elsewhere = owner !== null && owner.pid !== process.pid;
      appendRunLog(
        db,
        runId,
        'info',
        elsewhere
          ? `Cancel requested by process ${process.pid}; process ${owner.pid}, which runs this run, stops it at its next check.`
          : 'Cancel requested; the run stops at its next check.',
      );
      return true;
    })
    .immediate();
  if (!accepted) {
    const { status } = getRun(db, runId); // run.not-found for an unknown id
    const hint = status === 'interrupted' ? ' Its process stopped before it finished; resume or discard it instead.' : '';
    throw new MiaError('run.not-running', `Run ${runId} is ${status}, so there is nothing to cancel.${hint}`, { runId, status });
  }
  running.stop('run', runId);
  return getRun(db, runId);
}
