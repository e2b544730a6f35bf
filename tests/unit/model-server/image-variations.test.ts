// Image variations (engine/diffusion/image-variations.ts) with a closed-form denoiser: seeded, so the same seed gives
// the same images, another seed other images, and asking for one more leaves the first ones as they were.
import { describe, expect, it } from 'vitest';
import type { EpsilonModel } from '../../../src-main/engine/diffusion/ddim';
import { imageVariations, variationPng } from '../../../src-main/engine/diffusion/image-variations';
import { createNoiseSchedule, SchedulerConfig } from '../../../src-main/engine/diffusion/scheduler';
import sharp from 'sharp';

const shape = { channels: 1, height: 4, width: 4 };
const schedule = createNoiseSchedule(SchedulerConfig.parse({ num_train_timesteps: 1000 }), 'epsilon');
// A denoiser that always predicts half the sample as noise: nothing like a trained one, but deterministic and cheap.
const halfModel: EpsilonModel = { schedule, predictEpsilon: async (x) => x.map((value) => value / 2) };
const model = { epsilon: halfModel, sampleSize: 16, codec: null, pixelShape: shape };
const image = Float32Array.from({ length: 16 }, (_, i) => i / 8 - 1);

describe('imageVariations', () => {
  it('gives the same variations for the same seed, others for another seed, and keeps the first n when n + 1 are asked', async () => {
    const options = { count: 2, t: 300, stride: 100, seed: 'image-a' };
    const first = await imageVariations(model, image, options);
    expect(first).toHaveLength(32);
    expect(Array.from(await imageVariations(model, image, options))).toEqual(Array.from(first));
    expect(Array.from(first.subarray(0, 16))).not.toEqual(Array.from(first.subarray(16)));
    const other = await imageVariations(model, image, { ...options, seed: 'image-b' });
    expect(Array.from(other)).not.toEqual(Array.from(first));
    const three = await imageVariations(model, image, { ...options, count: 3 });
    expect(Array.from(three.subarray(0, 32))).toEqual(Array.from(first));
  });

  it('refuses an image of the wrong size', async () => {
    await expect(imageVariations(model, new Float32Array(15), { count: 1, t: 10, stride: 5, seed: 's' })).rejects.toThrow(/1×4×4/);
  });
});

describe('variationPng', () => {
  it('maps [-1, 1] to 0…255 and writes a one-channel PNG of the asked size', async () => {
    const png = await variationPng(image, shape, 4, 4);
    // IHDR's colour type byte: 0 is greyscale.
    expect(png[25]).toBe(0);
    const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([4, 4]);
    expect(data[0]).toBe(0);
    expect(data[8]).toBe(128);
    const resized = await sharp(await variationPng(image, shape, 9, 3)).metadata();
    expect([resized.width, resized.height]).toEqual([9, 3]);
  });
});
