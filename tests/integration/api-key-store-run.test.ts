// A key stored in the app's key store reaches a remote model, and nothing else: with the store on the front door (a
// reversible test cipher standing in for safeStorage) and the variable NOT in any process's environment, the import
// and a `loss` run against `mia serve` (a real server demanding the key as its bearer token) both succeed, while the
// same import without the stored key is refused. Afterwards no file the workspace wrote — the workspace and its
// WAL, the response cache, a workspace backup, the PDF report and CSVs — and no run detail or log holds the key.
// Needs the built engine host (`npm run build`).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSummary, RunDetails } from '../../src-shared/contract/contract';
import { createApiKeyStore } from '../../src-main/services/api-key-store';
import { startModelServer, type ModelServer } from '../../src-main/services/model-server/model-server';
import { readServeConfig } from '../../src-main/services/model-server/serve-config';
import { exportWorkspaceBackup } from '../../src-main/services/workspace-backup';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { scriptedFrontDoor } from '../helpers/scripted-front-door';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';
import { leakedForms, testKeyCipher } from '../helpers/test-key-cipher';

const demo = path.join(repoRoot, 'resources', 'demo');
const key = 'sk-stored-only-9fQ2vX7LmT4w';
const variable = 'MIA_TEST_STORED_SERVER_KEY';
const dir = makeTempDir('mia-stored-key-');
const workspaceDir = path.join(dir, 'workspace');
/** The app keeps its key file in its user-data folder, apart from the workspace. */
const keyFile = path.join(dir, 'user-data', 'api-keys.json');
let server: ModelServer;

beforeAll(async () => {
  fs.mkdirSync(workspaceDir);
  server = await startModelServer(readServeConfig(path.join(demo, 'remote', 'serve.yaml')), { port: 0, token: key, log: () => {} });
}, 60_000);
afterAll(async () => {
  await server?.close();
});

function filesUnder(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(entry.parentPath, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
  });
}

describe('an API key from the app key store', () => {
  it('reaches the served model for import and run, and no workspace file, backup or report holds it', async () => {
    expect(process.env[variable]).toBeUndefined();
    const door = scriptedFrontDoor();
    const apiKeys = createApiKeyStore({ file: keyFile, cipher: testKeyCipher });
    const { backend } = createTestBackend(workspaceDir, 'workspace.sqlite', { frontDoor: { ...door.frontDoor, apiKeys } });
    try {
      const request = {
        kind: 'classifier',
        name: 'served demo classifier',
        endpoint: { url: server.url, apiKeyEnv: variable, pricePerRequest: 0.01 },
        components: { model: { model: 'classifier', version: '1' } },
        sidecarPath: path.join(demo, 'classifier', 'target.json'),
      };
      // Neither this process nor the engine's has the variable: without the stored key the import is refused.
      expect(await backend.router.dispatch('models.importRemote', request)).toMatchObject({
        ok: false,
        error: { code: 'remote.api-key-missing' },
      });

      expect(await backend.router.dispatch('keys.set', { name: variable, key })).toEqual({
        ok: true,
        data: { storage: 'encrypted', names: [variable] },
      });
      const imported = await backend.router.dispatch('models.importRemote', request);
      expect(imported.ok, JSON.stringify(imported)).toBe(true);
      const target = (imported as { data: ModelSummary }).data;
      expect(target.remoteHost).toBe(new URL(server.url).host);

      const dataset = await backend.router.dispatch('datasets.import', {
        kind: 'manifest-csv',
        path: path.join(demo, 'classifier', 'manifest.csv'),
        name: 'demo classifier',
      });
      if (!dataset.ok) throw new Error(dataset.error.message);
      const datasetId = (dataset.data as { dataset: { id: number } }).dataset.id;
      const run = await runToEnd(backend, { attack: 'loss', targetModelId: target.id, datasetId, seed: 1 });
      expect(run.status, JSON.stringify(run.error)).toBe('finished');

      // What the workspace says about the run and the model names the variable at most, never the key.
      const shown = [
        await backend.router.dispatch('runs.details', { runId: run.id }),
        await backend.router.dispatch('models.details', { modelId: target.id }),
        await backend.router.dispatch('models.list', {}),
        await backend.router.dispatch('keys.list', {}),
      ].map((answer) => JSON.stringify(answer));
      for (const text of shown) expect(text).not.toContain(key);
      const details = (JSON.parse(shown[0]!) as { data: RunDetails }).data;
      expect(JSON.stringify(details)).toContain(server.url);

      // The files: a backup, the PDF and CSVs, and everything beside the workspace (WAL, response cache).
      await exportWorkspaceBackup(backend.db, path.join(workspaceDir, 'backup.miabackup'));
      door.answers.destination = () => ({ kind: 'file', pdfPath: path.join(workspaceDir, 'report.pdf') });
      const exported = await backend.router.dispatch('reports.export', { runIds: [run.id] });
      expect(exported.ok, JSON.stringify(exported)).toBe(true);
    } finally {
      await backend.idle();
      backend.close();
    }
    const written = filesUnder(workspaceDir);
    expect(written.map((file) => path.basename(file))).toEqual(
      expect.arrayContaining(['workspace.sqlite', 'backup.miabackup', 'report.pdf']),
    );
    expect(written.some((file) => file.includes(`${path.sep}remote-cache${path.sep}`))).toBe(true);
    for (const file of [...written, keyFile]) {
      const bytes = fs.readFileSync(file);
      for (const form of leakedForms(key)) expect(bytes.includes(form), `${file} holds the key as ${form.toString()}`).toBe(false);
    }
  }, 180_000);
});
