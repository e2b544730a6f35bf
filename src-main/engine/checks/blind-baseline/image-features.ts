// Model-free image features for the blind baseline: the image averaged down to a small grid per channel
// (area averaging, so every source pixel counts by the share of it a cell covers) plus each channel's mean
// and standard deviation.
import { MiaError } from '../../../common/errors';

export interface DecodedPixels {
  /** Pixel values in any fixed scale (0–255 or 0–1); the classifier standardises features anyway. */
  readonly pixels: Float32Array | Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  /** 'hwc' = interleaved (as decoders give), 'chw' = planar (as models take). */
  readonly layout: 'hwc' | 'chw';
}

export const DEFAULT_FEATURE_GRID = 7;

/** channels × grid × grid cell means (channel-major), then mean and std of each channel. */
export function imageFeatures(image: DecodedPixels, grid = DEFAULT_FEATURE_GRID): Float32Array {
  const { width, height, channels, pixels } = image;
  if (!(width > 0 && height > 0 && channels > 0) || pixels.length !== width * height * channels) {
    throw new MiaError(
      'checks.image-shape',
      `Image pixels: expected ${width} × ${height} × ${channels} = ${width * height * channels} values, got ${pixels.length}.`,
      {
        width,
        height,
        channels,
        values: pixels.length,
      },
    );
  }
  if (!Number.isInteger(grid) || grid < 1)
    throw new MiaError('checks.image-grid', `The feature grid must be a whole number ≥ 1; got ${String(grid)}.`, { grid });
  const columns = coverage(width, grid);
  const rows = coverage(height, grid);
  const features = new Float32Array(channels * grid * grid + 2 * channels);
  const pixelStride = image.layout === 'hwc' ? channels : 1;
  const channelStride = image.layout === 'hwc' ? 1 : width * height;
  for (let channel = 0; channel < channels; channel++) {
    const base = channel * channelStride;
    let sum = 0;
    let sumOfSquares = 0;
    for (let i = 0; i < width * height; i++) {
      const value = pixels[base + i * pixelStride]!;
      sum += value;
      sumOfSquares += value * value;
    }
    const mean = sum / (width * height);
    features[channels * grid * grid + 2 * channel] = mean;
    features[channels * grid * grid + 2 * channel + 1] = Math.sqrt(Math.max(0, sumOfSquares / (width * height) - mean * mean));
    for (let cellY = 0; cellY < grid; cellY++) {
      for (let cellX = 0; cellX < grid; cellX++) {
        let cell = 0;
        for (const [y, weightY] of rows[cellY]!) {
          for (const [x, weightX] of columns[cellX]!) cell += weightY * weightX * pixels[base + (y * width + x) * pixelStride]!;
        }
        features[channel * grid * grid + cellY * grid + cellX] = cell;
      }
    }
  }
  return features;
}

/**
 * For each of `cells` equal spans of an axis of `length` pixels, the pixels it overlaps and the weight of each
 * (overlap ÷ span length, so a cell's weights sum to 1). Works whether cells are larger or smaller than pixels.
 */
function coverage(length: number, cells: number): [number, number][][] {
  const span = length / cells;
  const result: [number, number][][] = [];
  for (let cell = 0; cell < cells; cell++) {
    const start = cell * span;
    const end = (cell + 1) * span;
    const weights: [number, number][] = [];
    for (let pixel = Math.floor(start); pixel < Math.min(Math.ceil(end), length); pixel++) {
      const overlap = Math.min(pixel + 1, end) - Math.max(pixel, start);
      if (overlap > 0) weights.push([pixel, overlap / span]);
    }
    result.push(weights);
  }
  return result;
}
