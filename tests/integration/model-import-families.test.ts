// Importing the CLIP-style pair and the diffusion UNet of the demo kit into a workspace: the files, hashes, config and
// I/O each import stores. Runs on these imports, against the kit's PyTorch goldens, are in clip-runs.test.ts and
// diffusion-runs.test.ts.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { importClip, importDiffusion } from '../../src-main/services/model-import';
import { getStoredModel } from '../../src-main/workspace/models-repo';
import { openWorkspace, type WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { clipKit, diffusionKit } from '../helpers/demo-kit';
import { makeTempDir } from '../helpers/temp-dir';

/** Each stored file with the SHA-256 of its bytes, computed here rather than by the code under test. */
function hashedFiles(paths: Record<string, string>): Record<string, { path: string; sha256: string }> {
  return Object.fromEntries(
    Object.entries(paths).map(([role, file]) => [
      role,
      { path: file, sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex') },
    ]),
  );
}

const root = makeTempDir('mia-model-families-');
let db: WorkspaceDb;
beforeEach(() => {
  db = openWorkspace(path.join(fs.mkdtempSync(path.join(root, 'case-')), 'workspace.sqlite'));
});
afterEach(() => db.close());

describe('CLIP import', () => {
  test('stores the image and text encoders, the tokenizer and its config, with the text I/O read from the model', async () => {
    const files = {
      image: path.join(clipKit, 'image_encoder.onnx'),
      text: path.join(clipKit, 'text_encoder.onnx'),
      tokenizer: path.join(clipKit, 'tokenizer.json'),
      tokenizer_config: path.join(clipKit, 'tokenizer_config.json'),
    };
    const summary = await importClip(db, {
      kind: 'clip',
      imageModelPath: files.image,
      textModelPath: files.text,
      tokenizerPath: files.tokenizer,
    });
    const row = getStoredModel(db, summary.id);
    expect(row.files).toEqual(hashedFiles(files));
    const golden = JSON.parse(fs.readFileSync(path.join(clipKit, 'goldens', 'parity.json'), 'utf8')) as {
      text_encoder: { max_length: number };
    };
    expect(row.config).toMatchObject({
      kind: 'clip',
      maxLength: golden.text_encoder.max_length,
      io: { textIds: 'input_ids', textMask: 'attention_mask' },
    });
  });
});

describe('diffusion import', () => {
  test('stores the UNet with scheduler.json, the sample shape and schedule from its sidecar, and the I/O names', async () => {
    const files = { denoiser: path.join(diffusionKit, 'unet.onnx'), scheduler: path.join(diffusionKit, 'scheduler.json') };
    const summary = await importDiffusion(db, { kind: 'diffusion', modelPath: files.denoiser });
    const row = getStoredModel(db, summary.id);
    expect(row.files).toEqual(hashedFiles(files));
    expect(row.config).toMatchObject({
      kind: 'diffusion',
      sampleShape: { channels: 1, height: 16, width: 16 },
      scheduler: { beta_schedule: 'linear', num_train_timesteps: 1000 },
      io: { sample: 'x', timestep: 't' },
    });
  });
});
