// Imports a manifest into a headless host's workspace through a backend of its own (as another front door would),
// so a browser test can start from records already in place. Answers the new dataset's id.
import path from 'node:path';
import { createTestBackend } from '../helpers/in-process-bridge';

export async function importManifestRecords(workspaceFile: string, manifest: string, name: string): Promise<number> {
  const { backend } = createTestBackend(path.dirname(workspaceFile), path.basename(workspaceFile));
  try {
    const answer = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: manifest, name });
    if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
    return (answer.data as { dataset: { id: number } }).dataset.id;
  } finally {
    await backend.idle();
    backend.close();
  }
}
