// Importing the CLIP-style pair and the diffusion UNet of the demo kit into a workspace and reopening them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { importClip, importDiffusion } from '../../src-main/services/model-import';
import { expectFamily, loadModelForRun, releaseLoadedModel } from '../../src-main/services/model-load';
import { getStoredModel } from '../../src-main/workspace/models-repo';
import { openWorkspace, type WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { demoExists, demoFile, maxAbsDifference, readJson, readTensor, type TensorDescriptor } from '../unit/models/helpers/demo-kit';

let folder: string;
let db: WorkspaceDb;
beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-model-families-'));
  db = openWorkspace(path.join(folder, 'workspace.sqlite'));
});
afterEach(() => {
  db.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

describe.skipIf(!demoExists('clip', 'DONE'))('CLIP import (skipped: resources/demo/clip has no DONE file yet)', () => {
  test('imports image and text encoders with the tokenizer, then reproduces the golden embeddings', async () => {
    const summary = await importClip(db, {
      kind: 'clip',
      imageModelPath: demoFile('clip', 'image_encoder.onnx'),
      textModelPath: demoFile('clip', 'text_encoder.onnx'),
      tokenizerPath: demoFile('clip', 'tokenizer.json'),
    });
    const row = getStoredModel(db, summary.id);
    expect(Object.keys(JSON.parse(row.files)).sort()).toEqual(['image', 'text', 'tokenizer', 'tokenizer_config']);
    expect(JSON.parse(row.config)).toMatchObject({ kind: 'clip', maxLength: expect.any(Number), io: { textIds: 'input_ids', textMask: 'attention_mask' } });
    const loaded = await loadModelForRun(db, summary.id);
    const clip = expectFamily(loaded, 'clip').adapter;
    const golden = readJson<{ captions: string[]; text_encoder: { output: TensorDescriptor } }>(demoFile('clip', 'goldens', 'parity.json'));
    const texts = await clip.embedTexts(golden.captions);
    expect(maxAbsDifference(texts, readTensor(golden.text_encoder.output, demoFile('clip', 'goldens')))).toBeLessThan(1e-5);
    await releaseLoadedModel(loaded);
  });
});

describe.skipIf(!demoExists('diffusion', 'DONE'))('diffusion import (skipped: resources/demo/diffusion has no DONE file yet)', () => {
  test('imports the UNet with scheduler.json and its sidecar, then reproduces the golden ε', async () => {
    const summary = await importDiffusion(db, { kind: 'diffusion', modelPath: demoFile('diffusion', 'unet.onnx') });
    const row = getStoredModel(db, summary.id);
    expect(Object.keys(JSON.parse(row.files)).sort()).toEqual(['denoiser', 'scheduler']);
    expect(JSON.parse(row.config)).toMatchObject({
      kind: 'diffusion',
      sampleShape: { channels: 1, height: 16, width: 16 },
      scheduler: { beta_schedule: 'linear', num_train_timesteps: 1000 },
      io: { sample: 'x', timestep: 't' },
    });
    const loaded = await loadModelForRun(db, summary.id);
    const denoiser = expectFamily(loaded, 'diffusion').adapter;
    const golden = readJson<{ x: TensorDescriptor; t: TensorDescriptor; epsilon: TensorDescriptor }>(demoFile('diffusion', 'goldens', 'parity.json'));
    const goldens = demoFile('diffusion', 'goldens');
    const eps = await denoiser.predictEpsilon(Float32Array.from(readTensor(golden.x, goldens)), Array.from(readTensor(golden.t, goldens)));
    expect(maxAbsDifference(eps, readTensor(golden.epsilon, goldens))).toBeLessThan(1e-4);
    await releaseLoadedModel(loaded);
  });
});
