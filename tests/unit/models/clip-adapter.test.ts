// Tokenizer and CLIP adapter plumbing on real ONNX sessions whose embeddings are known in closed form.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openClip } from '../../../src-main/engine/models/clip-adapter';
import { cosineSimilarity, l2NormalizeRows } from '../../../src-main/engine/models/embeddings';
import { ClipConfig } from '../../../src-main/engine/models/model-config';
import { createTextTokenizer } from '../../../src-main/engine/models/text-tokenizer';
import { buildOnnxModel } from './helpers/onnx-builder';
import { tinyTokenizerJson } from './helpers/tiny-tokenizer';

let folder: string;
beforeAll(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-clip-'));
  // Image "encoder": the 2×4 grey image flattened into an 8-value embedding.
  fs.writeFileSync(
    path.join(folder, 'image.onnx'),
    buildOnnxModel({
      inputs: [{ name: 'pixel_values', type: 'float32', shape: ['batch', 1, 2, 4] }],
      outputs: [{ name: 'image_embeds', type: 'float32', shape: ['batch', 8] }],
      initializers: [{ name: 'flat', type: 'int64', dims: [2], values: [-1, 8] }],
      nodes: [{ op: 'Reshape', inputs: ['pixel_values', 'flat'], outputs: ['image_embeds'] }],
    }),
  );
  // Text "encoder": token id × mask + 1, so padding shows up as ones and the mask input is exercised.
  fs.writeFileSync(
    path.join(folder, 'text.onnx'),
    buildOnnxModel({
      inputs: [
        { name: 'input_ids', type: 'int64', shape: ['batch', 8] },
        { name: 'attention_mask', type: 'int64', shape: ['batch', 8] },
      ],
      outputs: [{ name: 'text_embeds', type: 'float32', shape: ['batch', 8] }],
      initializers: [{ name: 'one', type: 'float32', dims: [], values: [1] }],
      nodes: [
        { op: 'Cast', inputs: ['input_ids'], outputs: ['ids_f'], intAttributes: { to: 1 } },
        { op: 'Cast', inputs: ['attention_mask'], outputs: ['mask_f'], intAttributes: { to: 1 } },
        { op: 'Mul', inputs: ['ids_f', 'mask_f'], outputs: ['masked'] },
        { op: 'Add', inputs: ['masked', 'one'], outputs: ['text_embeds'] },
      ],
    }),
  );
});
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

describe('text tokenizer', () => {
  const tokenizer = createTextTokenizer(tinyTokenizerJson(), { pad_token: '[PAD]' });

  test('encodes with special tokens, pads with the pad id and masks the padding', () => {
    const encoded = tokenizer.encodeBatch(['A photo of shoes', 'bag'], 8);
    expect(Array.from(encoded.ids)).toEqual([2, 4, 5, 6, 7, 8, 3, 0, 2, 9, 3, 0, 0, 0, 0, 0]);
    expect(Array.from(encoded.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  test('truncates to the length and keeps the end-of-text token', () => {
    const encoded = tokenizer.encodeBatch(['a photo of a bag of shoes'], 5);
    expect(Array.from(encoded.ids)).toEqual([2, 4, 5, 6, 3]);
    expect(Array.from(encoded.attentionMask)).toEqual([1, 1, 1, 1, 1]);
  });

  test('refuses a tokenizer.json without a model section', () => {
    expect(() => createTextTokenizer({ version: '1.0' }, {})).toThrow(/model/);
  });
});

describe('CLIP adapter', () => {
  const config = ClipConfig.parse({ kind: 'clip', preprocess: { width: 4, height: 2, channels: 1, scale: 1 } });

  test('feeds int64 token ids and mask, reads the length from the model and L2-normalises both embeddings', async () => {
    const tokenizer = createTextTokenizer(tinyTokenizerJson(), {});
    const clip = await openClip({ image: path.join(folder, 'image.onnx'), text: path.join(folder, 'text.onnx') }, config, tokenizer);
    expect(clip.maxLength).toBe(8);
    const texts = await clip.embedTexts(['a bag', 'shoe']);
    const expectedTexts = l2NormalizeRows(Float32Array.of(3, 5, 10, 4, 1, 1, 1, 1, 3, 8, 4, 1, 1, 1, 1, 1), 8);
    for (let i = 0; i < 16; i += 1) expect(texts[i]).toBeCloseTo(expectedTexts[i] as number, 6);
    const pixels = Uint8Array.from({ length: 8 }, (_, i) => i + 1);
    const images = await clip.embedImagePixels([
      { data: pixels, width: 4, height: 2, channels: 1 },
      { data: pixels.slice().reverse(), width: 4, height: 2, channels: 1 },
    ]);
    for (let row = 0; row < 2; row += 1) {
      const norm = Math.hypot(...Array.from(images.subarray(row * 8, row * 8 + 8)));
      expect(norm).toBeCloseTo(1, 6);
    }
    const similarity = clip.cosineSimilarity(images, texts);
    expect(similarity[0]).toBeCloseTo(cosineSimilarity(images, texts, 8)[0] as number, 12);
    expect(clip.modelCalls).toEqual({ images: 2, texts: 2 });
    await clip.release();
  });

  test('refuses a max_length that differs from the text input length', async () => {
    const tokenizer = createTextTokenizer(tinyTokenizerJson(), {});
    await expect(
      openClip({ image: path.join(folder, 'image.onnx'), text: path.join(folder, 'text.onnx') }, { ...config, maxLength: 77 }, tokenizer),
    ).rejects.toThrow(/takes 8 tokens, but the configuration says max_length 77/);
  });
});
