// The combined CLIP demo (one model.onnx in an Optimum-style folder, no sidecar): imported as one CLIP target with
// every file of the folder in its identity, refused when its preprocessing contradicts the model, and audited by the
// built `mia audit` from the folder alone.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isMiaError } from '../../src-main/common/errors';
import { importClip } from '../../src-main/services/model-import';
import { getStoredModel } from '../../src-main/workspace/models-repo';
import { openWorkspace, type WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { demoDir } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const kit = path.join(demoDir, 'clip-combined');
const root = makeTempDir('mia-clip-combined-');
let db: WorkspaceDb;
beforeEach(() => {
  db = openWorkspace(path.join(fs.mkdtempSync(path.join(root, 'case-')), 'workspace.sqlite'));
});
afterEach(() => db.close());

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

async function refusal(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isMiaError(error)) throw new Error(`expected a MiaError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('combined CLIP import', () => {
  test('stores the one model and every file of its folder, hashed, with the preprocessing and context read from them', async () => {
    const summary = await importClip(db, { kind: 'clip', role: 'target', modelPath: kit });
    const stored = getStoredModel(db, summary.id);
    const names = ['model.onnx', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'preprocessor_config.json'];
    const roles = ['model', 'tokenizer', 'tokenizer_config', 'special_tokens_map', 'preprocessor_config'];
    expect(stored.files).toEqual(
      Object.fromEntries(roles.map((role, i) => [role, { path: path.join(kit, names[i]!), sha256: sha256(path.join(kit, names[i]!)) }])),
    );
    expect(stored.kind).toBe('clip');
    expect(stored.name).toBe('clip-combined');
    expect(stored.config).toMatchObject({
      kind: 'clip',
      maxLength: 77,
      preprocess: { channels: 3, width: 28, height: 28, expandGrey: true, mean: [0.48145466, 0.4578275, 0.40821073] },
      io: {
        imageInput: 'pixel_values',
        imageOutput: 'image_embeds',
        textIds: 'input_ids',
        textMask: 'attention_mask',
        textOutput: 'text_embeds',
      },
    });
    expect(Object.keys(stored.io)).toEqual(['model']);
  });

  test('refuses a folder whose preprocessor_config.json contradicts the model input, naming both', async () => {
    const folder = fs.mkdtempSync(path.join(root, 'contradicting-'));
    for (const name of fs.readdirSync(kit)) fs.copyFileSync(path.join(kit, name), path.join(folder, name));
    const processor = JSON.parse(fs.readFileSync(path.join(kit, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(folder, 'preprocessor_config.json'), JSON.stringify({ ...processor, crop_size: { height: 32, width: 32 } }));
    const refused = await refusal(importClip(db, { kind: 'clip', role: 'target', modelPath: folder }));
    expect(refused.code).toBe('model.preprocess-mismatch');
    expect(refused.message).toMatch(/preprocessor_config\.json gives 3×32×32/);
    expect(refused.message).toMatch(/3×28×28/);
  });

  test('refuses a combined model given together with split encoder files', async () => {
    const refused = await refusal(
      importClip(db, { kind: 'clip', role: 'target', modelPath: kit, imageModelPath: path.join(kit, 'model.onnx'), textModelPath: kit }),
    );
    expect(refused.code).toBe('model.bad-import-request');
  });
});

describe('mia audit on the combined CLIP demo folder', () => {
  test('runs CSA and AEA from the folder alone and both find the members', () => {
    const workspace = path.join(root, 'audit.sqlite');
    const result = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin', 'mia.js'), 'audit', '--config', path.join(kit, 'audit.yaml'), '--workspace', workspace, '--json'],
      { encoding: 'utf8', env: { ...process.env, MIA_WORKSPACE: '' }, maxBuffer: 64 * 1024 * 1024 },
    );
    expect(result.status, result.stderr).toBe(0);
    const runs = (JSON.parse(result.stdout) as { runs: { attack: string; metrics: { auc: number | null } }[] }).runs;
    const auc = Object.fromEntries(runs.map((run) => [run.attack, run.metrics.auc]));
    // Measured on the committed folder: CSA 0.996, AEA 0.936 (resources/demo/README.md).
    expect(auc.csa).toBeGreaterThan(0.9);
    expect(auc.aea).toBeGreaterThan(0.8);
  }, 120_000);
});

describe('split CLIP import given the combined model', () => {
  test('refuses it as an encoder and says to import it alone as the combined model', async () => {
    const refused = await refusal(
      importClip(db, {
        kind: 'clip',
        role: 'target',
        imageModelPath: path.join(kit, 'model.onnx'),
        textModelPath: path.join(kit, 'model.onnx'),
        tokenizerPath: path.join(kit, 'tokenizer.json'),
      }),
    );
    expect(refused.code).toBe('model.combined-clip');
    expect(refused.message).toMatch(/model\.onnx takes both an image and token ids.*Import it alone/);
  });
});

describe('combined CLIP model without its preprocessing', () => {
  test('is refused, naming preprocessor_config.json, instead of guessing the normalisation', async () => {
    const folder = fs.mkdtempSync(path.join(root, 'no-processor-'));
    for (const name of ['model.onnx', 'tokenizer.json']) fs.copyFileSync(path.join(kit, name), path.join(folder, name));
    const refused = await refusal(importClip(db, { kind: 'clip', role: 'target', modelPath: path.join(folder, 'model.onnx') }));
    expect(refused.code).toBe('model.bad-config');
    expect(refused.message).toMatch(/preprocessor_config\.json/);
  });
});
