// Turns decoded pixels into the float tensor a model expects (resize, channels, scale, mean/std, order, layout).
import { MiaError } from '../../common/errors';
import { batchDims, imageSize, type PreprocessSpec } from './preprocess-spec';
import type { BytePlanes } from './pil-resample';
import { resizePlanar, resizeShorterSideAndCrop, type PlanarImage } from './resize';
import { resizeThenCrop } from './resize-then-crop';

/** Decoded 8-bit pixels, interleaved (HWC) as sharp's raw output gives them; 2 and 4 channels carry alpha. */
export interface PixelImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

// ITU-R 601 luma, the weights Pillow uses for RGB → "L".
const lumaWeights = [0.299, 0.587, 0.114] as const;

function checkPixels(pixels: PixelImage): void {
  const { width, height, data, channels } = pixels;
  if (![1, 2, 3, 4].includes(channels) || data.length !== width * height * channels) {
    throw new MiaError(
      'image.bad-pixels',
      `Image pixels do not fit their size: ${width}×${height}×${channels} needs ${width * height * channels} bytes, got ${data.length}.`,
    );
  }
}

/** A grey image becomes three channels only when the spec allows it; the refusal names both channel counts. */
function checkGreyExpansion(pixels: PixelImage, spec: PreprocessSpec): void {
  if (pixels.channels >= 3 || spec.channels !== 3 || spec.expandGrey === true) return;
  throw new MiaError(
    'image.channels-mismatch',
    `The image is greyscale (${pixels.channels === 2 ? '2 channels: grey and alpha' : '1 channel'}) but the model's preprocessing takes 3 channels (RGB). ` +
      'Set "expandGrey": true in the preprocessing to copy the grey channel into R, G and B, or use a colour dataset.',
    { imageChannels: pixels.channels, modelChannels: spec.channels },
  );
}

function toPlanar(pixels: PixelImage, channels: 1 | 3): PlanarImage {
  const { width, height, data } = pixels;
  const sourceChannels = pixels.channels;
  const colour = sourceChannels >= 3;
  const count = width * height;
  const planes = Array.from({ length: channels }, () => new Float64Array(count));
  for (let i = 0; i < count; i += 1) {
    const base = i * sourceChannels;
    if (colour && channels === 3) {
      for (let c = 0; c < 3; c += 1) (planes[c] as Float64Array)[i] = data[base + c] as number;
    } else if (colour) {
      (planes[0] as Float64Array)[i] =
        lumaWeights[0] * (data[base] as number) + lumaWeights[1] * (data[base + 1] as number) + lumaWeights[2] * (data[base + 2] as number);
    } else {
      for (let c = 0; c < channels; c += 1) (planes[c] as Float64Array)[i] = data[base] as number;
    }
  }
  return { width, height, planes };
}

/**
 * PIL's convert("L") / convert("RGB") on 8-bit pixels: alpha dropped, grey copied into R, G and B, colour to grey
 * with Pillow's fixed-point ITU-R 601 luma (rounded to 8 bits, as a PIL "L" image holds it).
 */
function toBytePlanes(pixels: PixelImage, channels: 1 | 3): BytePlanes {
  const { width, height, data } = pixels;
  const sourceChannels = pixels.channels;
  const count = width * height;
  const planes = Array.from({ length: channels }, () => new Uint8Array(count));
  for (let i = 0; i < count; i += 1) {
    const base = i * sourceChannels;
    if (sourceChannels >= 3 && channels === 3) {
      for (let c = 0; c < 3; c += 1) (planes[c] as Uint8Array)[i] = data[base + c] as number;
    } else if (sourceChannels >= 3) {
      const luma = (data[base] as number) * 19595 + (data[base + 1] as number) * 38470 + (data[base + 2] as number) * 7471 + 0x8000;
      (planes[0] as Uint8Array)[i] = luma >> 16;
    } else {
      for (let c = 0; c < channels; c += 1) (planes[c] as Uint8Array)[i] = data[base] as number;
    }
  }
  return { width, height, planes };
}

/** The image at the spec's width×height, resized the spec's way. */
function resized(pixels: PixelImage, spec: PreprocessSpec): PlanarImage {
  if (typeof spec.resize === 'object') {
    const bytes = resizeThenCrop(toBytePlanes(pixels, spec.channels), spec.resize, spec.width, spec.height);
    return { width: bytes.width, height: bytes.height, planes: bytes.planes.map((plane) => Float64Array.from(plane)) };
  }
  const image = toPlanar(pixels, spec.channels);
  if (image.width === spec.width && image.height === spec.height) return image;
  return spec.resize === 'stretch'
    ? resizePlanar(image, spec.width, spec.height)
    : resizeShorterSideAndCrop(image, spec.width, spec.height);
}

function perChannel(values: readonly number[], channel: number): number {
  return (values.length === 1 ? values[0] : values[channel]) as number;
}

/**
 * One image → Float32Array of channels×height×width in the spec's layout. Without a floating-point resize the
 * arithmetic is float32 step by step ((p·scale − mean) / std), which reproduces a PyTorch float32 pipeline bit for bit.
 */
export function preprocess(pixels: PixelImage, spec: PreprocessSpec): Float32Array {
  checkPixels(pixels);
  checkGreyExpansion(pixels, spec);
  const image = resized(pixels, spec);
  const planes = spec.channelOrder === 'BGR' && spec.channels === 3 ? [...image.planes].reverse() : image.planes;
  const count = spec.width * spec.height;
  const out = new Float32Array(imageSize(spec));
  const scale = Math.fround(spec.scale);
  for (let c = 0; c < spec.channels; c += 1) {
    const mean = Math.fround(perChannel(spec.mean, c));
    const std = Math.fround(perChannel(spec.std, c));
    const plane = planes[c] as Float64Array;
    for (let i = 0; i < count; i += 1) {
      const scaled = Math.fround(Math.fround(plane[i] as number) * scale);
      const value = Math.fround(Math.fround(scaled - mean) / std);
      out[spec.layout === 'NCHW' ? c * count + i : i * spec.channels + c] = value;
    }
  }
  return out;
}

/** Concatenates preprocessed images into one batch tensor's data and dims. */
export function assembleBatch(images: readonly Float32Array[], spec: PreprocessSpec): { data: Float32Array; dims: number[] } {
  const size = imageSize(spec);
  const data = new Float32Array(images.length * size);
  images.forEach((image, index) => {
    if (image.length !== size) {
      throw new MiaError('model.bad-input', `Image ${index} of the batch has ${image.length} values; the preprocessing gives ${size}.`);
    }
    data.set(image, index * size);
  });
  return { data, dims: batchDims(spec, images.length) };
}

export function preprocessBatch(images: readonly PixelImage[], spec: PreprocessSpec): { data: Float32Array; dims: number[] } {
  return assembleBatch(
    images.map((image) => preprocess(image, spec)),
    spec,
  );
}
