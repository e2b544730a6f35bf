// The tiny kit imported into a headless host's workspace by a second front door before the page opens, for e2e
// specs that need runs in the workspace (finished, interrupted) without driving the import through the page.
import path from 'node:path';
import type { Backend } from '../../src-main/services/backend';
import { importTinyKit, writeTinyKit, type TinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { createTestBackend } from '../helpers/in-process-bridge';

/** What a run request needs from the imported kit. */
export interface TinyKitInputs {
  readonly datasetId: number;
  readonly targetModelId: number;
}

/**
 * Writes a kit of `records` records under `kitDir`, imports it (dataset named "tiny") into `workspaceFile` through
 * a backend of its own, and hands that backend to `work`; the backend finishes its jobs and closes afterwards,
 * also when `work` fails, so the page never opens on a workspace that is still being written.
 */
export async function withTinyKitWorkspace<T>(
  workspaceFile: string,
  kitDir: string,
  records: number,
  work: (backend: Backend, inputs: TinyKitInputs, kit: TinyKit) => Promise<T>,
): Promise<T> {
  const kit = await writeTinyKit(kitDir, records);
  const { backend } = createTestBackend(path.dirname(workspaceFile), path.basename(workspaceFile));
  try {
    const { datasetId, targetId } = await importTinyKit(backend, kit, 'tiny');
    return await work(backend, { datasetId, targetModelId: targetId }, kit);
  } finally {
    await backend.idle();
    backend.close();
  }
}
