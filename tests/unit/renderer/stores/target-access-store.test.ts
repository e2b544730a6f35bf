// What New run disables on an image-variation target, from the attacks and models stores against a real backend
// (in-process bridge) and `mia serve`'s variations endpoint in this process: the variation target is reached through
// the API and a local or KServe denoiser through the denoiser; through the API every diffusion attack but ReDiffuse is
// ruled out with the one-sentence reason, and exactly those attacks are the ones runs.start refuses (run.target-access).
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../../src-renderer/api';
import { useAttacksStore } from '../../../../src-renderer/stores/attacks';
import { useModelsStore } from '../../../../src-renderer/stores/models';
import { startModelServer, type ModelServer } from '../../../../src-main/services/model-server/model-server';
import { readServeConfig } from '../../../../src-main/services/model-server/serve-config';
import { createTestBackend } from '../../../helpers/in-process-bridge';
import { makeTempDir, repoRoot } from '../../../helpers/temp-dir';

const demo = path.join(repoRoot, 'resources', 'demo');
const token = 'target-access-store-token';
const variable = 'MIA_TARGET_ACCESS_STORE_KEY';
const dir = makeTempDir('mia-target-access-store-');
const { backend, bridge } = createTestBackend(dir);
let server: ModelServer;
let variationId: number;
let kserveId: number;
let localId: number;
let datasetId: number;

async function dispatch<T>(channel: string, request: unknown): Promise<T> {
  const result = await backend.router.dispatch(channel as never, request);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

beforeAll(async () => {
  process.env[variable] = token;
  server = await startModelServer(readServeConfig(path.join(demo, 'remote', 'serve.yaml')), { port: 0, token, log: () => {} });
  const endpoint = { url: server.url, apiKeyEnv: variable };
  variationId = (
    await dispatch<{ id: number }>('models.importRemote', {
      kind: 'diffusion',
      protocol: 'image-variation',
      name: 'variation API',
      endpoint,
      components: { variations: { model: 'latent-diffusion' } },
    })
  ).id;
  kserveId = (
    await dispatch<{ id: number }>('models.importRemote', {
      kind: 'diffusion',
      name: 'served denoiser',
      endpoint,
      components: { denoiser: { model: 'diffusion' } },
      sidecarPath: path.join(demo, 'diffusion', 'unet.json'),
      schedulerPath: path.join(demo, 'diffusion', 'scheduler.json'),
    })
  ).id;
  localId = (await dispatch<{ id: number }>('models.import', { kind: 'diffusion', modelPath: path.join(demo, 'diffusion', 'unet.onnx') }))
    .id;
  datasetId = (
    await dispatch<{ dataset: { id: number } }>('datasets.import', {
      kind: 'manifest-csv',
      path: path.join(demo, 'latent-diffusion', 'manifest.csv'),
    })
  ).dataset.id;
}, 120_000);
beforeEach(() => {
  setActivePinia(createPinia());
  useBridge(bridge);
});
afterAll(async () => {
  await backend.idle();
  backend.close();
  await server?.close();
  delete process.env[variable];
});

describe('attacks a target cannot serve', () => {
  it('reads how each target is reached: the variation API through its API, a local or KServe denoiser through the denoiser', async () => {
    const models = useModelsStore();
    await models.refresh();
    expect(await models.targetAccessOfModel(variationId)).toBe('image-variation');
    expect(await models.targetAccessOfModel(kserveId)).toBe('denoiser');
    expect(await models.targetAccessOfModel(localId)).toBe('denoiser');
    // A local model is answered from the list, without asking for its details.
    expect(models.details[localId]).toBeUndefined();
  });

  it('rules out every diffusion attack but ReDiffuse through an image-variation API, with the reason, and nothing through a denoiser', async () => {
    const attacks = useAttacksStore();
    await attacks.refresh();
    const diffusionAttacks = attacks.attacks.filter((attack) => attack.family === 'diffusion').map((attack) => attack.id);
    expect(diffusionAttacks).toEqual(expect.arrayContaining(['secmi', 'pia', 'pian', 'diffusion-loss', 'rediffuse']));
    const reasons = attacks.unavailableThrough('image-variation');
    expect(Object.keys(reasons).sort()).toEqual(diffusionAttacks.filter((id) => id !== 'rediffuse').sort());
    expect(reasons['secmi']).toBe("It needs the denoiser's noise predictions, which an image-variation API does not expose.");
    expect(attacks.unavailableThrough('denoiser')).toEqual({});
  });

  it('disables exactly the attacks that runs.start refuses on the variation target', async () => {
    const attacks = useAttacksStore();
    await attacks.refresh();
    const reasons = attacks.unavailableThrough('image-variation');
    for (const attack of attacks.attacks.filter((candidate) => candidate.family === 'diffusion')) {
      const request = { attack: attack.id, targetModelId: variationId, datasetId, seed: 1, params: {} };
      if (reasons[attack.id]) {
        const refused = await backend.router.dispatch('runs.start', request);
        expect(refused.ok ? 'started' : refused.error.code, attack.id).toBe('run.target-access');
      } else {
        // Offered: the backend estimates it (one variation request per record) rather than refusing it.
        const estimate = await attacks.estimate(request);
        expect(estimate?.components, attack.id).toHaveProperty('image_variation');
      }
    }
  });
});
