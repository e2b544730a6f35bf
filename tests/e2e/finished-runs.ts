// Two finished runs (loss and entropy) of the tiny kit in a headless host's workspace, written by a second front
// door before the page opens: the Compare view and the report export have something to show.
import type { RunSummary } from '../../src-shared/contract/contract';
import { withTinyKitWorkspace } from './tiny-kit-workspace';

/** Two finished runs of the tiny kit in the host's workspace, written by a second front door before the page opens. */
export async function finishedRuns(workspaceFile: string, kitDir: string): Promise<number[]> {
  return withTinyKitWorkspace(workspaceFile, kitDir, 40, async (backend, inputs) => {
    const ids: number[] = [];
    for (const attack of ['loss', 'entropy']) {
      const run = await backend.router.dispatch('runs.start', { attack, ...inputs, seed: 1 });
      if (!run.ok) throw new Error(`${run.error.code}: ${run.error.message}`);
      ids.push((run.data as RunSummary).id);
    }
    return ids;
  });
}
