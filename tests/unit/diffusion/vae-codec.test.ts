// The VAE hooks for latent diffusion on real ONNX sessions: scaling, the mean half of moment outputs, round trip.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openVaeCodec } from '../../../src-main/engine/models/vae-codec';
import { buildOnnxModel } from '../models/helpers/onnx-builder';

let folder: string;
const shape = { channels: 1, height: 2, width: 2 };
const mulModel = (factor: number, outChannels = 1) =>
  buildOnnxModel({
    inputs: [{ name: 'x', type: 'float32', shape: ['batch', 1, 2, 2] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['batch', outChannels, 2, 2] }],
    initializers: [
      { name: 'k', type: 'float32', dims: [], values: [factor] },
      ...(outChannels === 1 ? [] : [{ name: 'k7', type: 'float32' as const, dims: [], values: [7] }]),
    ],
    nodes:
      outChannels === 1
        ? [{ op: 'Mul', inputs: ['x', 'k'], outputs: ['y'] }]
        : [
            { op: 'Mul', inputs: ['x', 'k'], outputs: ['mean'] },
            { op: 'Mul', inputs: ['x', 'k7'], outputs: ['logvar'] },
            { op: 'Concat', inputs: ['mean', 'logvar'], outputs: ['y'], intAttributes: { axis: 1 } },
          ],
  });

beforeAll(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-vae-'));
  fs.writeFileSync(path.join(folder, 'encoder.onnx'), mulModel(3));
  fs.writeFileSync(path.join(folder, 'encoder-moments.onnx'), mulModel(3, 2));
  fs.writeFileSync(path.join(folder, 'decoder.onnx'), mulModel(0.25));
});
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

test('encodes with the scaling factor and decodes after dividing by it', async () => {
  const codec = await openVaeCodec(
    { encoder: path.join(folder, 'encoder.onnx'), decoder: path.join(folder, 'decoder.onnx') },
    { pixel: shape, latent: shape },
    0.5,
  );
  const pixels = Float32Array.of(0.1, -0.2, 0.3, -0.4, 1, 0.5, 0, -1);
  expect(Array.from(await codec.encode(pixels, 2))).toEqual(Array.from(pixels, (v) => Math.fround(Math.fround(v * 3) * 0.5)));
  const decoded = await codec.decode(pixels, 2);
  decoded.forEach((v, i) => expect(v).toBeCloseTo((pixels[i] as number) * 0.5, 6));
  await codec.release();
});

test('reads the mean half when the encoder returns mean and log-variance stacked', async () => {
  const codec = await openVaeCodec(
    { encoder: path.join(folder, 'encoder-moments.onnx'), decoder: path.join(folder, 'decoder.onnx') },
    { pixel: shape, latent: shape },
    1,
  );
  const latents = await codec.encode(Float32Array.of(1, 2, 3, 4), 1);
  expect(Array.from(latents)).toEqual([3, 6, 9, 12]);
  await codec.release();
});
