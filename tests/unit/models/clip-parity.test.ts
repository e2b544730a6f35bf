// The CLIP-style demo pair against its PyTorch goldens: token ids exactly, embeddings to 1e-5.
import { describe, expect, test } from 'vitest';
import { openClip } from '../../../src-main/engine/models/clip-adapter';
import { buildClipConfig } from '../../../src-main/engine/models/config-from-sidecar';
import { preprocess } from '../../../src-main/engine/models/preprocess';
import { ModelSidecar } from '../../../src-main/engine/models/sidecar';
import { loadTextTokenizer } from '../../../src-main/engine/models/text-tokenizer';
import { decodeImage, demoFile, maxAbsDifference, readJson, readTensor, type TensorDescriptor } from './helpers/demo-kit';

interface ClipParity {
  ids: string[];
  captions: string[];
  image_encoder: { input: TensorDescriptor; output: TensorDescriptor };
  text_encoder: { max_length: number; input_ids: TensorDescriptor; attention_mask: TensorDescriptor; output: TensorDescriptor };
}

const goldens = demoFile('clip', 'goldens');
const sidecar = (name: string) => ModelSidecar.parse(readJson(demoFile('clip', name)));
const tokenizer = () => loadTextTokenizer(demoFile('clip', 'tokenizer.json'), demoFile('clip', 'tokenizer_config.json'));
const config = () =>
  buildClipConfig({ image: sidecar('image_encoder.json'), text: sidecar('text_encoder.json') }, {}, [], 'image_encoder.onnx');

describe('CLIP demo parity', () => {
  test('tokenizes every golden case to the same ids and attention mask', () => {
    const cases = readJson<{ max_length: number; cases: { text: string; input_ids: number[]; attention_mask: number[] }[] }>(
      demoFile('clip', 'goldens', 'tokenizer.json'),
    );
    const encoded = tokenizer().encodeBatch(
      cases.cases.map((c) => c.text),
      cases.max_length,
    );
    cases.cases.forEach((c, row) => {
      const span = [row * cases.max_length, (row + 1) * cases.max_length] as const;
      expect(Array.from(encoded.ids.subarray(...span)), c.text).toEqual(c.input_ids);
      expect(Array.from(encoded.attentionMask.subarray(...span)), c.text).toEqual(c.attention_mask);
    });
  });

  test('image and text embeddings match PyTorch to 1e-5, and the PNGs preprocess to the golden input', async () => {
    const golden = readJson<ClipParity>(demoFile('clip', 'goldens', 'parity.json'));
    const clipConfig = config();
    const clip = await openClip(
      { image: demoFile('clip', 'image_encoder.onnx'), text: demoFile('clip', 'text_encoder.onnx') },
      clipConfig,
      tokenizer(),
    );
    const input = readTensor(golden.image_encoder.input, goldens);
    const images = await Promise.all(golden.ids.map((id) => decodeImage(demoFile('clip', 'images', `${id}.png`))));
    expect(
      maxAbsDifference(
        images.flatMap((image) => Array.from(preprocess(image, clipConfig.preprocess))),
        input,
      ),
    ).toBe(0);
    const imageEmbeddings = await clip.embedImages(Float32Array.from(input), golden.ids.length);
    const textEmbeddings = await clip.embedTexts(golden.captions);
    const encoded = clip.tokenizer.encodeBatch(golden.captions, clip.maxLength);
    expect(Array.from(encoded.ids)).toEqual(Array.from(readTensor(golden.text_encoder.input_ids, goldens)));
    const imageDifference = maxAbsDifference(imageEmbeddings, readTensor(golden.image_encoder.output, goldens));
    const textDifference = maxAbsDifference(textEmbeddings, readTensor(golden.text_encoder.output, goldens));
    expect(imageDifference).toBeLessThan(1e-5);
    expect(textDifference).toBeLessThan(1e-5);
    await clip.release();
  });
});
