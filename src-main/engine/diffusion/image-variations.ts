// Image variations from a diffusion model, the way a DALL-E-style variation API behaves for ReDiffuse: the image (as
// the model sees it) is noised to timestep t with seeded Gaussian noise, one stream per variation, and walked back to
// 0 with deterministic DDIM; a latent model encodes with its VAE first and decodes at the end. The same image, seed
// and settings always give the same variations.
import sharp from 'sharp';
import { MiaError } from '../../common/errors';
import { rediffuseCopies } from '../attacks/diffusion/diffusion-statistics';
import type { LatentCodec, SampleShape } from '../models/vae-codec';
import { SeededRandom } from '../random/seeded-random';
import type { EpsilonModel } from './ddim';

export interface VariationModel {
  /** ε_θ as the variations use it: unconditional, or already bound to the empty prompt. */
  readonly epsilon: EpsilonModel;
  /** Values in one denoiser sample (the latent for a latent model). */
  readonly sampleSize: number;
  /** The VAE of a latent model; null for a pixel-space denoiser. */
  readonly codec: LatentCodec | null;
  /** The image the model takes and returns, before the encoder / after the decoder. */
  readonly pixelShape: SampleShape;
}

export interface VariationOptions {
  readonly count: number;
  readonly t: number;
  readonly stride: number;
  /** Seed of the noise; variation i draws from the stream fork("variation:i"). */
  readonly seed: string;
}

/** `count` variations of one image given in [-1, 1] [C, H, W]; returns them in [-1, 1], [count, C, H, W]. */
export async function imageVariations(model: VariationModel, pixels: Float32Array, options: VariationOptions): Promise<Float32Array> {
  const { channels, height, width } = model.pixelShape;
  if (pixels.length !== channels * height * width) {
    throw new MiaError('diffusion.bad-batch', `A variation needs one ${channels}×${height}×${width} image; got ${pixels.length} values.`);
  }
  const sample = model.codec ? await model.codec.encode(pixels, 1) : pixels;
  const random = new SeededRandom(options.seed);
  const size = model.sampleSize;
  // Each variation's noise depends only on the seed and its index, so asking for n + 1 keeps the first n unchanged.
  const noise = (_item: number, values: number) => {
    const out = new Float64Array(values);
    for (let index = 0; index < values / size; index += 1) {
      out.set(random.fork(`variation:${index}`).fillNormal(new Float64Array(size)), index * size);
    }
    return out;
  };
  const copies = await rediffuseCopies(model.epsilon, sample, size, noise, {
    repeats: options.count,
    t: options.t,
    stride: options.stride,
  });
  const denoised = Float32Array.from(copies);
  return model.codec ? model.codec.decode(denoised, options.count) : denoised;
}

/** One image in [-1, 1] [C, H, W] (C = 1 or 3) as a PNG of `width`×`height`, resized by sharp's default (Lanczos). */
export async function variationPng(image: Float32Array, shape: SampleShape, width: number, height: number): Promise<Buffer> {
  const { channels } = shape;
  const plane = shape.height * shape.width;
  const bytes = Buffer.alloc(plane * channels);
  for (let c = 0; c < channels; c += 1) {
    for (let i = 0; i < plane; i += 1) {
      const value = Math.round(((image[c * plane + i] as number) + 1) * 127.5);
      bytes[i * channels + c] = Math.min(255, Math.max(0, value));
    }
  }
  let picture = sharp(bytes, { raw: { width: shape.width, height: shape.height, channels: channels as 1 | 3 } });
  if (width !== shape.width || height !== shape.height) picture = picture.resize(width, height, { fit: 'fill' });
  // sharp works in sRGB; a grey model's images stay one-channel PNGs.
  if (channels === 1) picture = picture.toColourspace('b-w');
  return picture.png().toBuffer();
}
