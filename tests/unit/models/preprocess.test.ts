// Preprocessing: float32 arithmetic, channel conversion (grey to RGB only when allowed), channel order, layout, resizing and the spec's schema.
import { describe, expect, test } from 'vitest';
import type { MiaError } from '../../../src-main/common/errors';
import { assembleBatch, preprocess, type PixelImage } from '../../../src-main/engine/models/preprocess';
import { PreprocessSpec } from '../../../src-main/engine/models/preprocess-spec';

const grey = (width: number, height: number, values: (i: number) => number): PixelImage => ({
  data: Uint8Array.from({ length: width * height }, (_, i) => values(i)),
  width,
  height,
  channels: 1,
});

describe('preprocess', () => {
  test('computes (p·scale − mean)/std step by step in float32, as a PyTorch float32 pipeline does', () => {
    const spec = PreprocessSpec.parse({ width: 2, height: 2, channels: 1, scale: 1 / 255, mean: [0.5], std: [0.5] });
    const out = preprocess(
      grey(2, 2, (i) => [0, 255, 128, 37][i] as number),
      spec,
    );
    const f = Math.fround;
    const expected = [0, 255, 128, 37].map((p) => f(f(f(p * f(1 / 255)) - f(0.5)) / f(0.5)));
    expect(Array.from(out)).toEqual(expected);
    expect(out[0]).toBe(-1);
    expect(out[1]).toBe(1);
  });

  test('replicates grey into three channels only with expandGrey, and turns RGB into grey with ITU-R 601 luma', () => {
    const colourModel = { width: 1, height: 1, channels: 3, scale: 1, mean: [0], std: [1] } as const;
    const refusal = (() => {
      try {
        preprocess(
          grey(1, 1, () => 200),
          PreprocessSpec.parse(colourModel),
        );
      } catch (error) {
        return error as MiaError;
      }
      return null;
    })();
    expect(refusal?.code).toBe('image.channels-mismatch');
    expect(refusal?.message).toMatch(/greyscale \(1 channel\).*takes 3 channels \(RGB\).*"expandGrey": true/);
    const toRgb = PreprocessSpec.parse({ ...colourModel, expandGrey: true });
    expect(
      Array.from(
        preprocess(
          grey(1, 1, () => 200),
          toRgb,
        ),
      ),
    ).toEqual([200, 200, 200]);
    const toGrey = PreprocessSpec.parse({ width: 1, height: 1, channels: 1, scale: 1 });
    const rgb: PixelImage = { data: Uint8Array.from([100, 50, 200]), width: 1, height: 1, channels: 3 };
    expect(preprocess(rgb, toGrey)[0]).toBeCloseTo(0.299 * 100 + 0.587 * 50 + 0.114 * 200, 4);
  });

  test('drops alpha, applies per-channel mean/std, BGR order and NHWC layout', () => {
    const rgba: PixelImage = { data: Uint8Array.from([10, 20, 30, 255, 40, 50, 60, 0]), width: 2, height: 1, channels: 4 };
    const base = { width: 2, height: 1, channels: 3, scale: 1, mean: [1, 2, 3], std: [1, 2, 3] } as const;
    expect(Array.from(preprocess(rgba, PreprocessSpec.parse(base)))).toEqual([9, 39, 9, 24, 9, 19]);
    // BGR puts blue first; the mean/std are given in the model's channel order.
    expect(Array.from(preprocess(rgba, PreprocessSpec.parse({ ...base, channelOrder: 'BGR' })))).toEqual([
      29,
      59,
      9,
      24,
      Math.fround(7 / 3),
      Math.fround(37 / 3),
    ]);
    expect(Array.from(preprocess(rgba, PreprocessSpec.parse({ ...base, layout: 'NHWC' })))).toEqual([9, 9, 9, 39, 24, 19]);
  });

  test('stretching keeps a flat image flat and a downscale averages neighbouring pixels', () => {
    const spec = PreprocessSpec.parse({ width: 3, height: 3, channels: 1, scale: 1 });
    expect(
      Array.from(
        preprocess(
          grey(7, 5, () => 90),
          spec,
        ),
      ).every((v) => Math.abs(v - 90) < 1e-4),
    ).toBe(true);
    const stripes = preprocess(
      grey(4, 1, (i) => (i % 2 === 0 ? 0 : 200)),
      PreprocessSpec.parse({ width: 2, height: 1, channels: 1, scale: 1 }),
    );
    for (const v of stripes) expect(v).toBeGreaterThan(50);
    for (const v of stripes) expect(v).toBeLessThan(150);
  });

  test('shorter-side resize with centre crop keeps the middle columns of a wide image', () => {
    const spec = PreprocessSpec.parse({ width: 4, height: 4, channels: 1, scale: 1, resize: 'shorter-side-crop' });
    // 6×4 image whose value is its column: the shorter side already fits, so the crop keeps columns 1–4.
    const out = preprocess(
      grey(6, 4, (i) => i % 6),
      spec,
    );
    expect(Array.from(out.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    const doubled = preprocess(
      grey(12, 8, () => 7),
      spec,
    );
    expect(doubled.length).toBe(16);
  });

  test('assembles a batch and refuses an image of the wrong size', () => {
    const spec = PreprocessSpec.parse({ width: 2, height: 1, channels: 1 });
    const batch = assembleBatch([Float32Array.of(1, 2), Float32Array.of(3, 4)], spec);
    expect(batch.dims).toEqual([2, 1, 1, 2]);
    expect(Array.from(batch.data)).toEqual([1, 2, 3, 4]);
    expect(() => assembleBatch([Float32Array.of(1)], spec)).toThrow(/Image 0 of the batch has 1 values; the preprocessing gives 2/);
  });

  test('the schema refuses mean/std that are neither one value nor one per channel', () => {
    expect(PreprocessSpec.safeParse({ width: 2, height: 2, channels: 3, mean: [0.1, 0.2] }).success).toBe(false);
    expect(PreprocessSpec.safeParse({ width: 2, height: 2, channels: 2 }).success).toBe(false);
  });
});
