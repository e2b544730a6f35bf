// Two finished runs (loss and entropy) of the tiny kit in a headless host's workspace, written by a second front
// door before the page opens: the Compare view and the report export have something to show.
import path from 'node:path';
import type { RunSummary } from '../../src-shared/contract/contract';
import { writeTinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { createTestBackend } from '../helpers/in-process-bridge';

/** Two finished runs of the tiny kit in the host's workspace, written by a second front door before the page opens. */
export async function finishedRuns(workspaceFile: string, kitDir: string): Promise<number[]> {
  const kit = await writeTinyKit(kitDir, 40);
  const { backend } = createTestBackend(path.dirname(workspaceFile), path.basename(workspaceFile));
  try {
    const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kit.manifest, name: 'tiny' });
    const model = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: kit.model });
    if (!dataset.ok || !model.ok) throw new Error('the tiny kit did not import');
    const request = {
      datasetId: (dataset.data as { dataset: { id: number } }).dataset.id,
      targetModelId: (model.data as { id: number }).id,
      seed: 1,
    };
    const ids: number[] = [];
    for (const attack of ['loss', 'entropy']) {
      const run = await backend.router.dispatch('runs.start', { attack, ...request });
      if (!run.ok) throw new Error(`${run.error.code}: ${run.error.message}`);
      ids.push((run.data as RunSummary).id);
    }
    await backend.idle();
    return ids;
  } finally {
    backend.close();
  }
}
