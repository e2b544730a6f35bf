// AEA's image augmentation: reproducible from its seed, different across seeds, and each operation doing what it
// says on small hand-made tensors in the model's normalisation and layout.
import { describe, expect, it } from 'vitest';
import {
  applyView,
  augmentTensor,
  defaultAugmentation,
  drawViewParameters,
  type ViewParameters,
} from '../../../src-main/engine/attacks/clip/image-augmentation';
import { PreprocessSpec } from '../../../src-main/engine/models/preprocess-spec';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';

const grey = PreprocessSpec.parse({ width: 6, height: 6, channels: 1, mean: [0.5], std: [0.5] });
const colourNhwc = PreprocessSpec.parse({
  width: 5,
  height: 4,
  channels: 3,
  mean: [0.48, 0.46, 0.41],
  std: [0.27, 0.26, 0.28],
  layout: 'NHWC',
});

/** A model tensor from pixel values in [0, 1] given per (channel, y, x). */
function tensorOf(spec: PreprocessSpec, pixel: (c: number, y: number, x: number) => number): Float32Array {
  const out = new Float32Array(spec.channels * spec.width * spec.height);
  const count = spec.width * spec.height;
  for (let c = 0; c < spec.channels; c++) {
    const mean = spec.mean.length === 1 ? spec.mean[0]! : spec.mean[c]!;
    const std = spec.std.length === 1 ? spec.std[0]! : spec.std[c]!;
    for (let y = 0; y < spec.height; y++) {
      for (let x = 0; x < spec.width; x++) {
        const i = y * spec.width + x;
        out[spec.layout === 'NCHW' ? c * count + i : i * spec.channels + c] = (pixel(c, y, x) - mean) / std;
      }
    }
  }
  return out;
}

const gradient = (c: number, y: number, x: number) => (0.1 + 0.12 * x + 0.05 * y + 0.1 * c) % 1;

function neutral(spec: PreprocessSpec, change: Partial<ViewParameters> = {}): ViewParameters {
  return {
    crop: { left: 0, top: 0, width: spec.width, height: spec.height },
    flip: false,
    angleDegrees: 0,
    brightness: 1,
    contrast: 1,
    saturation: 1,
    ...change,
  };
}

describe('augmentation determinism', () => {
  it('gives identical views from the same seed', () => {
    const input = tensorOf(grey, gradient);
    const a = augmentTensor(input, grey, new SeededRandom(5).fork('view-0').fork('img-1'));
    const b = augmentTensor(input, grey, new SeededRandom(5).fork('view-0').fork('img-1'));
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('gives different views from different seeds, views and records', () => {
    const input = tensorOf(grey, gradient);
    const base = Array.from(augmentTensor(input, grey, new SeededRandom(5).fork('view-0').fork('img-1')));
    expect(Array.from(augmentTensor(input, grey, new SeededRandom(6).fork('view-0').fork('img-1')))).not.toEqual(base);
    expect(Array.from(augmentTensor(input, grey, new SeededRandom(5).fork('view-1').fork('img-1')))).not.toEqual(base);
    expect(Array.from(augmentTensor(input, grey, new SeededRandom(5).fork('view-0').fork('img-2')))).not.toEqual(base);
  });

  it('changes the image but keeps every pixel within [0, 1]', () => {
    const input = tensorOf(grey, gradient);
    const view = augmentTensor(input, grey, new SeededRandom(1));
    expect(view.length).toBe(input.length);
    expect(Array.from(view)).not.toEqual(Array.from(input));
    for (const value of view) {
      const pixel = value * 0.5 + 0.5;
      expect(pixel).toBeGreaterThanOrEqual(-1e-6);
      expect(pixel).toBeLessThanOrEqual(1 + 1e-6);
    }
  });
});

describe('view parameters', () => {
  it('draws crops within the image and factors within the configured ranges', () => {
    const random = new SeededRandom(2);
    for (let i = 0; i < 200; i++) {
      const view = drawViewParameters(random, 28, 28, 3);
      expect(view.crop.left + view.crop.width).toBeLessThanOrEqual(28);
      expect(view.crop.top + view.crop.height).toBeLessThanOrEqual(28);
      expect((view.crop.width * view.crop.height) / (28 * 28)).toBeGreaterThan(0.7);
      expect(Math.abs(view.angleDegrees)).toBeLessThanOrEqual(10);
      for (const factor of [view.brightness, view.contrast, view.saturation]) {
        expect(factor).toBeGreaterThanOrEqual(0.8);
        expect(factor).toBeLessThanOrEqual(1.2);
      }
    }
  });

  it('changes saturation only for 3-channel images', () => {
    expect(drawViewParameters(new SeededRandom(3), 8, 8, 1).saturation).toBe(1);
    expect(drawViewParameters(new SeededRandom(3), 8, 8, 3).saturation).not.toBe(1);
  });

  it('flips about half of the views', () => {
    const random = new SeededRandom(8);
    let flips = 0;
    for (let i = 0; i < 1000; i++) flips += drawViewParameters(random, 8, 8, 1, defaultAugmentation).flip ? 1 : 0;
    expect(flips).toBeGreaterThan(430);
    expect(flips).toBeLessThan(570);
  });
});

describe('view operations', () => {
  it('leaves the image unchanged under a neutral view, in either layout', () => {
    for (const spec of [grey, colourNhwc]) {
      const input = tensorOf(spec, gradient);
      const out = applyView(input, spec, neutral(spec), 0, new SeededRandom(1));
      out.forEach((value, i) => expect(value).toBeCloseTo(input[i]!, 5));
    }
  });

  it('mirrors the image on a flip', () => {
    const input = tensorOf(grey, gradient);
    const out = applyView(input, grey, neutral(grey, { flip: true }), 0, new SeededRandom(1));
    const expected = tensorOf(grey, (c, y, x) => gradient(c, y, grey.width - 1 - x));
    out.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
  });

  it('rotates about the centre and fills what comes from outside with black', () => {
    const input = tensorOf(grey, gradient);
    const quarter = applyView(input, grey, neutral(grey, { angleDegrees: 90 }), 0, new SeededRandom(1));
    // A quarter turn of a square image moves every pixel onto another pixel: output (x, y) reads input (W−1−y, x) or (y, H−1−x).
    const turned = [
      tensorOf(grey, (c, y, x) => gradient(c, x, grey.width - 1 - y)),
      tensorOf(grey, (c, y, x) => gradient(c, grey.height - 1 - x, y)),
    ];
    const matches = turned.filter((expected) => expected.every((v, i) => Math.abs(v - quarter[i]!) < 1e-4));
    expect(matches.length).toBe(1);
    const corners = applyView(
      tensorOf(grey, () => 0.8),
      grey,
      neutral(grey, { angleDegrees: 45 }),
      0,
      new SeededRandom(1),
    );
    expect(corners[0]! * 0.5 + 0.5).toBeCloseTo(0, 6);
    expect(corners[2 * 6 + 2]! * 0.5 + 0.5).toBeCloseTo(0.8, 5);
  });

  it('crops a region and stretches it back to the full size', () => {
    const input = tensorOf(grey, (_c, _y, x) => x / 10);
    const out = applyView(input, grey, neutral(grey, { crop: { left: 3, top: 0, width: 3, height: 6 } }), 0, new SeededRandom(1));
    // The right half (x 3..5) spread over 6 columns: output column x reads input x = 3 + (x + 0.5)/2 − 0.5,
    // clamped to the crop's edge pixels.
    expect(out[0]! * 0.5 + 0.5).toBeCloseTo(0.3, 5);
    expect(out[2]! * 0.5 + 0.5).toBeCloseTo(0.375, 5);
    expect(out[3]! * 0.5 + 0.5).toBeCloseTo(0.425, 5);
    expect(out[5]! * 0.5 + 0.5).toBeCloseTo(0.5, 5);
  });

  it('scales brightness and pulls contrast towards the mean grey level', () => {
    const input = tensorOf(grey, (_c, y) => (y < 3 ? 0.2 : 0.6));
    const brighter = applyView(input, grey, neutral(grey, { brightness: 1.2 }), 0, new SeededRandom(1));
    expect(brighter[0]! * 0.5 + 0.5).toBeCloseTo(0.24, 5);
    const flatter = applyView(input, grey, neutral(grey, { contrast: 0.5 }), 0, new SeededRandom(1));
    expect(flatter[0]! * 0.5 + 0.5).toBeCloseTo(0.3, 5);
    expect(flatter[35]! * 0.5 + 0.5).toBeCloseTo(0.5, 5);
  });

  it('desaturates a colour image towards its luma', () => {
    const input = tensorOf(colourNhwc, (c) => [0.9, 0.2, 0.1][c]!);
    const out = applyView(input, colourNhwc, neutral(colourNhwc, { saturation: 0 }), 0, new SeededRandom(1));
    const luma = 0.299 * 0.9 + 0.587 * 0.2 + 0.114 * 0.1;
    for (let c = 0; c < 3; c++) expect(out[c]! * colourNhwc.std[c]! + colourNhwc.mean[c]!).toBeCloseTo(luma, 5);
  });

  it('adds noise of the configured standard deviation', () => {
    const spec = PreprocessSpec.parse({ width: 64, height: 64, channels: 1, mean: [0], std: [1] });
    const input = tensorOf(spec, () => 0.5);
    const out = applyView(input, spec, neutral(spec), 0.02, new SeededRandom(4));
    let sum = 0;
    let squares = 0;
    for (const value of out) {
      sum += value - 0.5;
      squares += (value - 0.5) ** 2;
    }
    expect(Math.abs(sum / out.length)).toBeLessThan(0.002);
    expect(Math.sqrt(squares / out.length)).toBeCloseTo(0.02, 3);
  });
});
