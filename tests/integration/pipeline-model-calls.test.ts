// The model-call estimate of a diffusion run counts every component of the target (denoiser, VAE encoder and decoder,
// text encoder), and the run counts the same calls: on the text-conditional latent demo, the class-conditional DiT
// demo and the unconditional pixel-space demo, the estimate shown before Start equals the progress total, the last
// progress count and the finished run's stored model calls. Eight records of each demo keep the runs short.
// Needs `npm run build` (the engine host runs from out/).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunProgress } from '../../src-shared/contract/contract';
import { contractCalls } from '../helpers/contract-calls';
import { demoDir } from '../helpers/demo-kit';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-pipeline-calls-');
const { backend } = createTestBackend(dir);
const { call } = contractCalls(backend);

afterAll(async () => {
  await backend.idle();
  backend.close();
});

/** The demo's first four members and first four non-members, copied with their images into a folder of their own. */
async function smallDataset(demo: string): Promise<number> {
  const [header, ...rows] = fs
    .readFileSync(path.join(demoDir, demo, 'manifest.csv'), 'utf8')
    .trim()
    .split('\n');
  // member and role are the last two columns; a quoted caption before them may hold commas.
  const member = (row: string) => row.split(',').at(-2);
  const chosen = [...rows.filter((row) => member(row) === '1').slice(0, 4), ...rows.filter((row) => member(row) === '0').slice(0, 4)];
  const copy = path.join(dir, demo);
  fs.cpSync(path.join(demoDir, demo, 'images'), path.join(copy, 'images'), { recursive: true });
  fs.writeFileSync(path.join(copy, 'manifest.csv'), `${[header, ...chosen].join('\n')}\n`);
  return (await call('datasets.import', { kind: 'manifest-csv', path: path.join(copy, 'manifest.csv'), name: `${demo} (8 records)` }))
    .dataset.id;
}

/** Starts the run after asking for its estimate; returns both and the run's progress events in model calls. */
async function estimateAndRun(targetModelId: number, datasetId: number, attack: string, params: Record<string, unknown>) {
  const request = { attack, targetModelId, datasetId, seed: 1, params };
  const estimate = await call('runs.estimate', request);
  const progress: RunProgress[] = [];
  const run = await runToEnd(backend, request, progress);
  expect(run.status, `${attack}: ${run.error?.message ?? ''}`).toBe('finished');
  return { estimate, run, counted: progress.filter((event) => event.unit === 'model calls') };
}

type Case = readonly [attack: string, params: Record<string, unknown>, components: Record<string, number>];

async function expectCountsMatch(targetModelId: number, datasetId: number, cases: readonly Case[]) {
  for (const [attack, params, components] of cases) {
    const { estimate, run, counted } = await estimateAndRun(targetModelId, datasetId, attack, params);
    const total = Object.values(components).reduce((sum, calls) => sum + calls, 0);
    expect(estimate.components, `${attack} ${JSON.stringify(params)}`).toEqual(components);
    expect(estimate.modelCalls).toBe(total);
    expect(run.modelCalls).toBe(total);
    expect(counted.at(-1)).toMatchObject({ done: total, total });
    // The total never had to grow: no component made more calls than the estimate counted for it.
    expect(new Set(counted.filter((event) => event.phase !== 'first pass (decoding images)').map((event) => event.total))).toEqual(
      new Set([total]),
    );
  }
}

describe('model calls per component, estimated and counted', () => {
  it('text-conditional latent demo: UNet, VAE encoder and decoder, and text encoder (plus the empty prompt for guidance)', async () => {
    const datasetId = await smallDataset('latent-diffusion');
    const model = await call('models.import', { kind: 'diffusion', pipelinePath: path.join(demoDir, 'latent-diffusion') });
    await expectCountsMatch(model.id, datasetId, [
      // 2 copies × 2 DDIM steps; each copy decoded to compare in pixels; one latent and one prompt per record.
      ['rediffuse', { repeats: 2, t: 200, stride: 100 }, { unet: 32, vae_encoder: 8, vae_decoder: 16, text_encoder: 8 }],
      ['rediffuse', { repeats: 2, t: 200, stride: 100, compare: 'latents' }, { unet: 32, vae_encoder: 8, text_encoder: 8 }],
      ['secmi', { t: 20, stride: 10 }, { unet: 32, vae_encoder: 8, text_encoder: 8 }],
      ['pia', { guidanceScale: 2 }, { unet: 32, vae_encoder: 8, text_encoder: 9 }],
      ['diffusion-loss', { repeats: 1, prompt: 'empty' }, { unet: 8, vae_encoder: 8, text_encoder: 8 }],
    ]);
  }, 240_000);

  it('class-conditional DiT demo: the transformer and the VAE, no text encoder', async () => {
    const datasetId = await smallDataset('dit');
    const model = await call('models.import', { kind: 'diffusion', pipelinePath: path.join(demoDir, 'dit') });
    await expectCountsMatch(model.id, datasetId, [
      ['rediffuse', { repeats: 2, t: 200, stride: 100 }, { unet: 32, vae_encoder: 8, vae_decoder: 16 }],
      ['pia', { guidanceScale: 2 }, { unet: 32, vae_encoder: 8 }],
      ['diffusion-loss', { repeats: 1 }, { unet: 8, vae_encoder: 8 }],
    ]);
  }, 240_000);

  it('unconditional pixel-space demo: the UNet alone', async () => {
    const datasetId = await smallDataset('diffusion');
    const model = await call('models.import', { kind: 'diffusion', modelPath: path.join(demoDir, 'diffusion', 'unet.onnx') });
    await expectCountsMatch(model.id, datasetId, [
      ['rediffuse', { repeats: 2, t: 200, stride: 100 }, { unet: 32 }],
      ['secmi', { t: 20, stride: 10 }, { unet: 32 }],
    ]);
  }, 240_000);
});
