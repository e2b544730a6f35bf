// Model-free features for the blind baseline: area-averaged pixel grids with channel statistics, caption
// statistics, and stacking rows into a matrix.
import { describe, expect, it } from 'vitest';
import { captionFeatures } from '../../../src-main/engine/checks/blind-baseline/caption-features';
import { concatFeatures, stackFeatureRows } from '../../../src-main/engine/checks/blind-baseline/feature-matrix';
import { imageFeatures } from '../../../src-main/engine/checks/blind-baseline/image-features';
import { errorCodeOf } from '../../helpers/error-code';

describe('imageFeatures', () => {
  it('averages whole blocks when the grid divides the image', () => {
    // 14 × 14 single-channel image whose value is its column index: each 2-pixel-wide cell averages x and x+1.
    const pixels = Float32Array.from({ length: 14 * 14 }, (_, i) => i % 14);
    const features = imageFeatures({ pixels, width: 14, height: 14, channels: 1, layout: 'hwc' });
    expect(features.length).toBe(49 + 2);
    expect([...features.subarray(0, 7)]).toEqual([0.5, 2.5, 4.5, 6.5, 8.5, 10.5, 12.5]);
    expect(features[49]).toBeCloseTo(6.5, 5); // channel mean
    expect(features[50]).toBeCloseTo(Math.sqrt((14 * 14 - 1) / 12), 5); // std of 0..13
  });

  it('weights pixels a cell covers only partly by the covered share', () => {
    // 3 × 3 image v = x + 3y on a 2 × 2 grid: cell (0, 0) covers 1.5 pixels per axis (weights 2/3, 1/3).
    const pixels = Float32Array.from({ length: 9 }, (_, i) => (i % 3) + 3 * Math.floor(i / 3));
    const features = imageFeatures({ pixels, width: 3, height: 3, channels: 1, layout: 'chw' }, 2);
    expect(features[0]).toBeCloseTo(1 / 3 + 3 * (1 / 3), 6);
    expect(features[3]).toBeCloseTo(5 / 3 + 3 * (5 / 3), 6);
  });

  it('gives the same features for the same image in HWC and CHW layouts', () => {
    const width = 10;
    const height = 6;
    const value = (x: number, y: number, c: number): number => (x * 7 + y * 13 + c * 101) % 255;
    const hwc = new Uint8Array(width * height * 3);
    const chw = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++) {
          hwc[(y * width + x) * 3 + c] = value(x, y, c);
          chw[c * width * height + y * width + x] = value(x, y, c);
        }
      }
    }
    const fromHwc = imageFeatures({ pixels: hwc, width, height, channels: 3, layout: 'hwc' });
    expect(fromHwc.length).toBe(3 * 49 + 6);
    expect(imageFeatures({ pixels: chw, width, height, channels: 3, layout: 'chw' })).toEqual(fromHwc);
  });

  it('repeats pixel values when the grid is finer than the image', () => {
    const features = imageFeatures({ pixels: Float32Array.of(1, 2, 3, 4), width: 2, height: 2, channels: 1, layout: 'hwc' }, 4);
    expect([...features.subarray(0, 4)]).toEqual([1, 1, 2, 2]);
  });

  it('refuses pixel buffers that do not match the stated size', () => {
    expect(errorCodeOf(() => imageFeatures({ pixels: new Float32Array(10), width: 3, height: 3, channels: 1, layout: 'hwc' }))).toBe(
      'checks.image-shape',
    );
  });
});

describe('captionFeatures', () => {
  it('counts characters, words, mean word length and hashed word buckets', () => {
    const features = captionFeatures('A cat, a CAT!');
    expect([...features.subarray(0, 3)]).toEqual([13, 4, 2]);
    const buckets = [...features.subarray(3)];
    expect(buckets.length).toBe(8);
    expect(buckets.reduce((a, b) => a + b, 0)).toBe(4);
    expect(buckets.filter((count) => count === 2).length).toBeGreaterThanOrEqual(1); // "cat" twice, same bucket
    expect(captionFeatures('A cat, a CAT!')).toEqual(features);
  });

  it('gives zeros for an empty caption and counts an emoji once', () => {
    expect([...captionFeatures('', 4)]).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(captionFeatures('🐈 cat')[0]).toBe(5);
  });
});

describe('feature matrix', () => {
  it('stacks rows and joins a record’s image and caption features', () => {
    const row = concatFeatures(Float32Array.of(1, 2), Float32Array.of(3));
    const matrix = stackFeatureRows([row, Float32Array.of(4, 5, 6)]);
    expect(matrix).toEqual({ data: Float32Array.of(1, 2, 3, 4, 5, 6), rowCount: 2, featureCount: 3 });
    expect(errorCodeOf(() => stackFeatureRows([row, Float32Array.of(1)]))).toBe('checks.feature-length');
  });
});
