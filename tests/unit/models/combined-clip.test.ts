// The combined CLIP export of the demo kit (one model.onnx) seen as two encoders: the embeddings each view gives with
// its dummy input are those of a joint run on real images and captions, and a split encoder is not taken for one.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isMiaError } from '../../../src-main/common/errors';
import { looksCombined } from '../../../src-main/engine/models/clip-encoder-roles';
import { createCombinedClip, openCombinedClip } from '../../../src-main/engine/models/combined-clip';
import { combinedClipFiles, combinedClipSettings } from '../../../src-main/engine/models/combined-clip-folder';
import { ClipConfig } from '../../../src-main/engine/models/model-config';
import { openOnnxModel, type OnnxModel } from '../../../src-main/engine/models/onnx-session';
import { makeTensor, tensorToFloat32 } from '../../../src-main/engine/models/tensor-data';
import { loadTextTokenizer } from '../../../src-main/engine/models/text-tokenizer';
import { makeTempDir } from '../../helpers/temp-dir';
import { demoFile, maxAbsDifference, repoRoot } from './helpers/demo-kit';

const folder = path.join(repoRoot, 'resources', 'demo', 'clip-combined');
const files = combinedClipFiles(folder);
const tokenizer = loadTextTokenizer(files.tokenizer, files.tokenizer_config ?? null);
let model: OnnxModel;
let config: ClipConfig;

beforeAll(async () => {
  model = await openOnnxModel(files.model);
  const pixels = model.inputs.find((t) => t.name === 'pixel_values');
  const ids = model.inputs.find((t) => t.name === 'input_ids');
  config = ClipConfig.parse({ kind: 'clip', ...combinedClipSettings(files, pixels!, ids!) });
});
afterAll(() => model.release());

/** Seeded stand-ins for preprocessed images: values in [-2, 2]. */
function pixelsOf(count: number): Float32Array {
  const out = new Float32Array(count * 3 * 28 * 28);
  let state = 12345;
  for (let i = 0; i < out.length; i += 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = (state / 2147483648) * 4 - 2;
  }
  return out;
}

function unitRows(values: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let row = 0; row < values.length / dim; row += 1) {
    const slice = values.subarray(row * dim, (row + 1) * dim);
    const norm = Math.sqrt(slice.reduce((sum, v) => sum + v * v, 0));
    slice.forEach((v, k) => (out[row * dim + k] = v / norm));
  }
  return out;
}

describe('combined CLIP model', () => {
  test('is recognised from its inputs, and its folder gives 3×28×28 CLIP preprocessing and a 77-token context', () => {
    expect(looksCombined(model.inputs)).toBe(true);
    expect(config.preprocess).toMatchObject({ channels: 3, width: 28, height: 28, expandGrey: true });
    expect(Object.keys(files).sort()).toEqual(['model', 'preprocessor_config', 'special_tokens_map', 'tokenizer', 'tokenizer_config']);
  });

  test('embeds images and captions as one joint run on both does, unit length', async () => {
    const captions = ['a photo of a dark small tshirt, square', 'trendy shirt, grey and large', 'picture of a light bag'];
    const pixels = pixelsOf(captions.length);
    const encoded = tokenizer.encodeBatch(captions, 77);
    const dims = [captions.length, 77];
    const joint = await model.run({
      input_ids: makeTensor('int64', encoded.ids, dims, 'input_ids'),
      attention_mask: makeTensor('int64', encoded.attentionMask, dims, 'attention_mask'),
      pixel_values: makeTensor('float32', pixels, [captions.length, 3, 28, 28], 'pixel_values'),
    });
    const adapter = createCombinedClip(model, config, tokenizer, { maxBatch: 2 });
    const images = await adapter.embedImages(pixels, captions.length);
    const texts = await adapter.embedTexts(captions);
    const dim = adapter.dimension() as number;
    expect(dim).toBe(64);
    expect(maxAbsDifference(images, unitRows(tensorToFloat32(joint.image_embeds!, 'image_embeds'), dim))).toBeLessThan(1e-5);
    expect(maxAbsDifference(texts, unitRows(tensorToFloat32(joint.text_embeds!, 'text_embeds'), dim))).toBeLessThan(1e-5);
    for (const similarity of adapter.cosineSimilarity(images, texts)) expect(Math.abs(similarity)).toBeLessThanOrEqual(1 + 1e-6);
    expect(adapter.modelCalls).toEqual({ images: 3, texts: 3 });
  });

  test('refuses a split image encoder given as a combined model, naming the missing token-id input', async () => {
    const error = await openCombinedClip(demoFile('clip', 'image_encoder.onnx'), config, tokenizer).catch((e: unknown) => e);
    expect(isMiaError(error) && error.code).toBe('model.incompatible');
    expect((error as Error).message).toMatch(/input_ids/);
  });

  test('needs the tokenizer beside the model', () => {
    const lonely = makeTempDir('mia-combined-clip-');
    fs.copyFileSync(files.model, path.join(lonely, 'model.onnx'));
    expect(() => combinedClipFiles(lonely)).toThrow(/tokenizer\.json/);
  });
});
