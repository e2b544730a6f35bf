// A diffusers / Optimum pipeline folder as one diffusion target, end to end: imported through the contract router
// with every component file and the UNet's external weights in its identity, the four diffusion attacks run by a
// real engine host on the VAE's latents (unconditional, a class-conditional DiT fed the records' labels, and a
// text-conditional UNet fed a prompt through its tokenizer and text encoder, with and without guidance), a changed config file refused at run start, and `mia audit` with
// `target: { kind: diffusion, pipeline: FOLDER }` through the built command line. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSummary } from '../../src-shared/contract/contract';
import { importDataset } from '../../src-main/services/dataset-import';
import { getStoredModel } from '../../src-main/workspace/models-repo';
import { readScores } from '../../src-main/workspace/runs-repo';
import { diffusionKit } from '../helpers/demo-kit';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { writePipelineFixture } from '../helpers/pipeline-fixture';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-pipeline-');
const { backend } = createTestBackend(dir);
const pipeline = writePipelineFixture(path.join(dir, 'latent-pipeline'));
let datasetId: number;
let model: ModelSummary;

async function importPipeline(pipelinePath: string, extra: Record<string, unknown> = {}) {
  return backend.router.dispatch('models.import', { kind: 'diffusion', pipelinePath, ...extra });
}

beforeAll(async () => {
  // The demo diffusion records: 1×16×16 greyscale, which the fixture's VAE encodes into 4×8×8 latents.
  ({
    dataset: { id: datasetId },
  } = await importDataset(backend.db, { kind: 'manifest-csv', path: path.join(diffusionKit, 'manifest.csv'), name: 'demo diffusion' }));
  const imported = await importPipeline(pipeline);
  if (!imported.ok) throw new Error(`${imported.error.code}: ${imported.error.message}`);
  model = imported.data as ModelSummary;
}, 120_000);
afterAll(() => backend.close());

describe('pipeline folder import', () => {
  it('stores one latent diffusion model whose identity covers every component file and the external UNet weights', () => {
    const stored = getStoredModel(backend.db, model.id);
    expect(stored.name).toBe('latent-pipeline');
    expect(Object.keys(stored.files).sort()).toEqual([
      'denoiser',
      'denoiser:model.onnx_data',
      'model_index',
      'scheduler',
      'vae_decoder',
      'vae_decoder_config',
      'vae_encoder',
      'vae_encoder_config',
    ]);
    expect(stored.files['denoiser:model.onnx_data']!.path).toBe(path.join(pipeline, 'unet', 'model.onnx_data'));
    expect(stored.config).toMatchObject({ sampleShape: { channels: 4 }, pixelShape: { channels: 1, height: 16 }, vaeScalingFactor: 0.5 });
  });

  it('refuses a request that gives a pipeline folder and a denoiser file together', async () => {
    const result = await importPipeline(pipeline, { modelPath: path.join(pipeline, 'unet', 'model.onnx') });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatchObject({ code: 'model.bad-import-request', message: expect.stringContaining('pipelinePath') });
  });

  it('refuses a text-conditional folder without a tokenizer through the router, naming the tokenizer files', async () => {
    const folder = writePipelineFixture(path.join(dir, 'no-tokenizer'), { conditioning: 'text', withoutTokenizer: true });
    const result = await importPipeline(folder);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error).toMatchObject({ code: 'model.pipeline-incomplete', message: expect.stringContaining('tokenizer/vocab.json') });
  });
});

describe('diffusion attacks on a pipeline folder', () => {
  const start = (attack: string, params: Record<string, unknown> = {}) =>
    runToEnd(backend, { attack, targetModelId: model.id, datasetId, seed: 1, params });

  it('runs ReDiffuse, SecMI, PIA and the diffusion loss on the latents to finished runs', async () => {
    const runs = [
      await start('rediffuse', { repeats: 2 }),
      await start('secmi', { stride: 50 }),
      await start('pia'),
      await start('diffusion-loss', { repeats: 1 }),
    ];
    for (const run of runs) {
      expect(run.status, `${run.attack}: ${run.error?.message ?? ''}`).toBe('finished');
      expect(run.modelCalls).toBeGreaterThan(0);
    }
    // Every component counted: one denoiser call per sample per timestep (2 repeats × 2, 4, 2 and 1 per record), one
    // VAE encoder call per record, and ReDiffuse's decoder once per copy (2), compared in pixels.
    expect(runs.map((run) => (run.modelCalls ?? 0) / 512)).toEqual([4 + 1 + 2, 4 + 1, 2 + 1, 1 + 1]);
  }, 240_000);

  it('ReDiffuse compares the decoded reconstruction with the image by default, and latents when asked', async () => {
    // The fixture's VAE is a reshape with scaling factor 0.5, so pixel-space squared distances are exactly 4× the
    // latent ones for the same noise (same seed).
    const pixels = await start('rediffuse', { repeats: 2 });
    const latents = await start('rediffuse', { repeats: 2, compare: 'latents' });
    const inPixels = readScores(backend.db, pixels.id).scores;
    const inLatents = readScores(backend.db, latents.id).scores;
    expect(inPixels.length).toBe(512);
    inPixels.forEach((score, i) => expect(score).toBeCloseTo(4 * inLatents[i]!, 4));
    expect(inPixels.some((score) => score !== 0)).toBe(true);
  }, 120_000);

  it('refuses guidance on the unconditional pipeline (run.invalid-params naming guidanceScale)', async () => {
    const run = await start('pia', { guidanceScale: 2 });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'run.invalid-params', message: expect.stringContaining('guidanceScale = 2') });
  }, 60_000);

  it('runs the four attacks on a class-conditional DiT folder fed the records’ labels; guidance doubles the calls', async () => {
    const imported = await importPipeline(writePipelineFixture(path.join(dir, 'dit'), { conditioning: 'class' }));
    if (!imported.ok) throw new Error(`${imported.error.code}: ${imported.error.message}`);
    const dit = (imported.data as ModelSummary).id;
    const onDit = (attack: string, params: Record<string, unknown> = {}) =>
      runToEnd(backend, { attack, targetModelId: dit, datasetId, seed: 1, params });
    const runs = [
      await onDit('rediffuse', { repeats: 2 }),
      await onDit('secmi', { stride: 50 }),
      await onDit('pia'),
      await onDit('diffusion-loss', { repeats: 1 }),
      await onDit('pia', { guidanceScale: 2 }),
    ];
    for (const run of runs) expect(run.status, `${run.attack}: ${run.error?.message ?? ''}`).toBe('finished');
    // Denoiser calls as above (guidance doubles PIA's 2), plus the VAE encoder once and ReDiffuse's decoder twice per record.
    expect(runs.map((run) => (run.modelCalls ?? 0) / 512)).toEqual([4 + 1 + 2, 4 + 1, 2 + 1, 1 + 1, 4 + 1]);
  }, 240_000);

  it('runs the four attacks on a text-conditional folder with a fixed or empty prompt; captions are required for prompt "caption"', async () => {
    const imported = await importPipeline(writePipelineFixture(path.join(dir, 'text'), { conditioning: 'text' }));
    if (!imported.ok) throw new Error(`${imported.error.code}: ${imported.error.message}`);
    const textId = (imported.data as ModelSummary).id;
    const onText = (attack: string, params: Record<string, unknown> = {}) =>
      runToEnd(backend, { attack, targetModelId: textId, datasetId, seed: 1, params });
    const fixed = { prompt: 'fixed', fixedPrompt: 'a shoe' };
    const runs = [
      await onText('rediffuse', { repeats: 2, ...fixed }),
      await onText('secmi', { stride: 50, prompt: 'empty' }),
      await onText('pia', fixed),
      await onText('diffusion-loss', { repeats: 1, ...fixed }),
      await onText('pia', { ...fixed, guidanceScale: 3 }),
    ];
    for (const run of runs) expect(run.status, `${run.attack}: ${run.error?.message ?? ''}`).toBe('finished');
    // As on the DiT, plus the text encoder once per record's prompt, and once more for guidance's empty prompt.
    expect(runs.map((run) => run.modelCalls)).toEqual([8 * 512, 6 * 512, 4 * 512, 3 * 512, 6 * 512 + 1]);
    // The demo diffusion records have no captions, so the default prompt = "caption" is refused naming a record.
    const captioned = await onText('pia');
    expect(captioned.status).toBe('failed');
    expect(captioned.error).toMatchObject({ code: 'run.data-mismatch', message: expect.stringContaining('has no caption') });
  }, 240_000);

  it('refuses a run once a config file of the folder has changed (model.file-changed naming it)', async () => {
    const copy = path.join(dir, 'edited-pipeline');
    fs.cpSync(pipeline, copy, { recursive: true });
    const imported = await importPipeline(copy, { allowDuplicate: true });
    if (!imported.ok) throw new Error(imported.error.message);
    const schedulerFile = path.join(copy, 'scheduler', 'scheduler_config.json');
    const scheduler = JSON.parse(fs.readFileSync(schedulerFile, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(schedulerFile, JSON.stringify({ ...scheduler, beta_end: 0.02 }));
    const started = await backend.router.dispatch('runs.start', {
      attack: 'pia',
      targetModelId: (imported.data as ModelSummary).id,
      datasetId,
      seed: 1,
    });
    expect(started.ok).toBe(false);
    if (!started.ok)
      expect(started.error).toMatchObject({ code: 'model.file-changed', message: expect.stringContaining('scheduler_config.json') });
  }, 60_000);
});

describe('mia audit with a pipeline target', () => {
  function audit(target: Record<string, unknown>, name: string) {
    const config = path.join(dir, `${name}.json`);
    fs.writeFileSync(
      config,
      JSON.stringify({
        dataset: { path: path.join(diffusionKit, 'manifest.csv') },
        target: { kind: 'diffusion', ...target },
        runs: [{ attack: 'pia', seed: 1 }],
      }),
    );
    return spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin', 'mia.js'), 'audit', '--config', config, '--workspace', path.join(dir, `${name}.sqlite`), '--json'],
      { encoding: 'utf8', env: { ...process.env, MIA_WORKSPACE: '' }, maxBuffer: 64 * 1024 * 1024 },
    );
  }

  it('imports the folder named by `pipeline` and prints the run', () => {
    const result = audit({ pipeline: path.relative(dir, pipeline) }, 'audit-ok');
    expect(result.status, result.stderr).toBe(0);
    const runs = (JSON.parse(result.stdout) as { runs: { attack: string; status: string }[] }).runs;
    expect(runs).toMatchObject([{ attack: 'pia', status: 'finished' }]);
  }, 120_000);

  it('refuses a target with both `model` and `pipeline` before anything runs', () => {
    const result = audit({ pipeline: 'latent-pipeline', model: 'latent-pipeline/unet/model.onnx' }, 'audit-both');
    expect(result.status).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/either "model".*or "pipeline"/);
    expect(fs.existsSync(path.join(dir, 'audit-both.sqlite'))).toBe(false);
  });
});
