// The models and API-key stores against a real backend through the in-process bridge and a real `mia serve` in this
// process: the form's request (remote-import-draft.ts) imports the served demo classifier once its key is stored in
// the app's key store (a test cipher stands in for safeStorage), the listed model says which host it talks to and
// its details carry the endpoint and served model but no key; a refused import lands in the import's error with the
// field named, and a front door without a key store lists no names and refuses to store.
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../../src-renderer/api';
import { emptyRemoteDraft, remoteImportRequestOf, type RemoteImportDraft } from '../../../../src-renderer/composables/remote-import-draft';
import { useApiKeysStore } from '../../../../src-renderer/stores/api-keys';
import { useModelsStore } from '../../../../src-renderer/stores/models';
import { createApiKeyStore } from '../../../../src-main/services/api-key-store';
import { startModelServer, type ModelServer } from '../../../../src-main/services/model-server/model-server';
import { readServeConfig } from '../../../../src-main/services/model-server/serve-config';
import { createTestBackend } from '../../../helpers/in-process-bridge';
import { makeTempDir, repoRoot } from '../../../helpers/temp-dir';
import { testKeyCipher } from '../../../helpers/test-key-cipher';

const demo = path.join(repoRoot, 'resources', 'demo');
const token = 'store-test-token-51cZ';
const variable = 'MIA_STORE_TEST_SERVER_KEY';
const dir = makeTempDir('mia-remote-store-');
const apiKeys = createApiKeyStore({ file: path.join(dir, 'user-data', 'api-keys.json'), cipher: testKeyCipher });
const app = createTestBackend(dir, 'app.sqlite', { frontDoor: { chooseExportDestination: () => Promise.resolve(null), apiKeys } });
const headless = createTestBackend(dir, 'headless.sqlite');
let server: ModelServer;

beforeAll(async () => {
  server = await startModelServer(readServeConfig(path.join(demo, 'remote', 'serve.yaml')), { port: 0, token, log: () => {} });
}, 60_000);
beforeEach(() => {
  setActivePinia(createPinia());
  useBridge(app.bridge);
});
afterAll(async () => {
  await server?.close();
  for (const { backend } of [app, headless]) backend.close();
});

function demoDraft(): RemoteImportDraft {
  return {
    ...emptyRemoteDraft(),
    url: server.url,
    components: { model: { model: 'classifier', version: '1' } },
    keySource: 'store',
    apiKeyEnv: variable,
    sidecarPath: path.join(demo, 'classifier', 'target.json'),
    concurrency: '2',
    timeoutSeconds: '2.5',
    pricePerRequest: '0.01',
  };
}

describe('remote models in the stores', () => {
  it('builds the request the contract takes: empty fields left out, seconds to milliseconds, no key in it', () => {
    const request = remoteImportRequestOf({ ...demoDraft(), key: 'typed-key' }, ' served ');
    expect(request).toEqual({
      kind: 'classifier',
      role: 'target',
      name: 'served',
      endpoint: { url: server.url, apiKeyEnv: variable, concurrency: 2, timeoutMs: 2500, pricePerRequest: 0.01 },
      components: { model: { model: 'classifier', version: '1' } },
      sidecarPath: path.join(demo, 'classifier', 'target.json'),
    });
    const variation = remoteImportRequestOf(
      { ...demoDraft(), kind: 'variation', keySource: 'none', components: { variations: { model: 'dall-e-2', version: '' } } },
      '',
    );
    expect(variation).toMatchObject({ kind: 'diffusion', protocol: 'image-variation', components: { variations: { model: 'dall-e-2' } } });
    expect(variation).not.toHaveProperty('sidecarPath');
    expect(variation.endpoint).not.toHaveProperty('apiKeyEnv');
  });

  it('imports the served classifier once its key is stored, and shows its host but never the key', async () => {
    const models = useModelsStore();
    const keys = useApiKeysStore();
    expect(await models.importRemote(remoteImportRequestOf(demoDraft(), 'served demo classifier'))).toBeUndefined();
    expect(models.importError?.code).toBe('remote.api-key-missing');

    expect(await keys.store(variable, token)).toBe(true);
    expect(keys.status).toEqual({ storage: 'encrypted', names: [variable] });
    const imported = await models.importRemote(remoteImportRequestOf(demoDraft(), 'served demo classifier'));
    expect(models.importError).toBeNull();
    expect(imported?.remoteHost).toBe(new URL(server.url).host);
    expect(models.models.find((model) => model.id === imported!.id)?.remoteHost).toBe(new URL(server.url).host);

    const details = await models.loadDetails(imported!.id);
    expect(details?.remote?.endpoint).toMatchObject({ url: server.url, apiKeyEnv: variable, concurrency: 2, timeoutMs: 2500 });
    expect(details?.remote?.components.model).toMatchObject({
      model: 'classifier',
      version: '1',
      identity: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.stringify([details, models.models, keys.status])).not.toContain(token);
  });

  it('imports an image-variation API as a diffusion target and deletes a stored key', async () => {
    const models = useModelsStore();
    const draft: RemoteImportDraft = { ...demoDraft(), kind: 'variation', components: { variations: { model: 'dall-e-2', version: '' } } };
    const imported = await models.importRemote(remoteImportRequestOf(draft, 'variation API'));
    expect(models.importError).toBeNull();
    expect(imported).toMatchObject({ kind: 'diffusion', remoteHost: new URL(server.url).host });
    expect((await models.loadDetails(imported!.id))?.remote?.protocol).toBe('image-variation');

    const keys = useApiKeysStore();
    await keys.remove(variable);
    expect(keys.status).toEqual({ storage: 'encrypted', names: [] });
    expect(apiKeys.get(variable)).toBeUndefined();
  });

  it('names the field of a refused import', async () => {
    const models = useModelsStore();
    await models.importRemote(remoteImportRequestOf({ ...demoDraft(), url: 'https://user:secret@example.org' }, ''));
    expect(models.importError?.code).toBe('ipc.invalid-payload');
    expect(models.importError?.message).toContain('endpoint.url');
  });

  it('lists no names and refuses to store a key where the front door has no key store', async () => {
    useBridge(headless.bridge);
    const keys = useApiKeysStore();
    await keys.refresh();
    expect(keys.status).toEqual({ storage: 'environment', names: [] });
    expect(await keys.store(variable, token)).toBe(false);
    expect(keys.error?.code).toBe('keys.not-offered');
  });
});
