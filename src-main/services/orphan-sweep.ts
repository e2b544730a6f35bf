// The live backend's watch over runs that other processes own on the same workspace: every two seconds it marks the
// runs of owners that died as `interrupted` (the same recovery that opening a workspace runs) and tells the front
// doors, so a headless host or the app never shows a killed CLI's run as `running` for longer than that.
import { getRun } from '../workspace/runs-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { recoverOrphanedRows } from '../workspace/orphan-recovery';
import type { EventBus } from './event-bus';

const sweepEveryMs = 2_000;

export interface OrphanSweep {
  /** Sweeps at once (before a cancel, resume or discard, so they act on the run's real state). */
  sweepNow(): void;
  stop(): void;
}

export function startOrphanSweep(deps: { db: WorkspaceDb; bus: EventBus }, intervalMs = sweepEveryMs): OrphanSweep {
  const { db, bus } = deps;
  const sweepNow = (): void => {
    if (!db.open) return;
    for (const runId of recoverOrphanedRows(db).runs) {
      const run = getRun(db, runId);
      bus.emit('runs.status', { runId, status: run.status, error: run.error });
    }
  };
  const timer = setInterval(() => {
    try {
      sweepNow();
    } catch {
      // Another process holds the write lock past the busy timeout: the next sweep tries again.
    }
  }, intervalMs);
  // The sweep must never be what keeps a CLI process alive.
  timer.unref();
  return { sweepNow, stop: () => clearInterval(timer) };
}
