// Resizes 8-bit planar images exactly as Pillow's Image.resize does (the resize torchvision transforms and Hugging
// Face image processors apply to PIL images), so a model is fed the pixels it was trained and evaluated on.
import { MiaError } from '../../common/errors';

/** Planar 8-bit image: `planes[c][y * width + x]`, one plane per channel (PIL's "L" or "RGB"). */
export interface BytePlanes {
  readonly width: number;
  readonly height: number;
  readonly planes: Uint8Array[];
}

export type PilFilter = 'nearest' | 'bilinear' | 'bicubic';

interface ConvolutionFilter {
  readonly support: number;
  readonly weight: (x: number) => number;
}

// Pillow's filters: a triangle of support 1, and Keys' cubic of support 2 with a = −0.5.
const bicubicA = -0.5;
const convolutionFilters: Record<Exclude<PilFilter, 'nearest'>, ConvolutionFilter> = {
  bilinear: { support: 1, weight: (x) => Math.max(0, 1 - Math.abs(x)) },
  bicubic: {
    support: 2,
    weight: (value) => {
      const x = Math.abs(value);
      if (x < 1) return ((bicubicA + 2) * x - (bicubicA + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * bicubicA;
      return 0;
    },
  },
};

// Pillow turns the float weights into fixed point with this many fraction bits before it sums 8-bit pixels.
const precisionBits = 32 - 8 - 2;
const fixedOne = 2 ** precisionBits;

interface FixedTaps {
  readonly first: Int32Array;
  readonly count: Int32Array;
  readonly weights: Float64Array;
  readonly stride: number;
}

/**
 * Pillow's precompute_coeffs + normalize_coeffs_8bpc: when downscaling, the filter's support widens by the reduction
 * factor (the antialiasing), and each output pixel's weights are normalised, then rounded to fixed point.
 */
function fixedTaps(inSize: number, outSize: number, filter: ConvolutionFilter): FixedTaps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const stride = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * stride);
  const raw = new Float64Array(stride);
  for (let out = 0; out < outSize; out += 1) {
    const centre = (out + 0.5) * scale;
    // C's (int) cast truncates towards zero.
    const from = Math.max(0, Math.trunc(centre - support + 0.5));
    const to = Math.min(inSize, Math.trunc(centre + support + 0.5));
    const n = to - from;
    let total = 0;
    for (let k = 0; k < n; k += 1) {
      raw[k] = filter.weight((k + from - centre + 0.5) / filterScale);
      total += raw[k] as number;
    }
    for (let k = 0; k < n; k += 1) {
      const w = total !== 0 ? (raw[k] as number) / total : (raw[k] as number);
      weights[out * stride + k] = w < 0 ? Math.trunc(-0.5 + w * fixedOne) : Math.trunc(0.5 + w * fixedOne);
    }
    first[out] = from;
    count[out] = n;
  }
  return { first, count, weights, stride };
}

/** Rounds a fixed-point sum (which starts at one half) to 0–255 as Pillow's clip8 does. */
function clip8(sum: number): number {
  return Math.min(255, Math.max(0, Math.floor(sum / fixedOne)));
}

/** One convolution pass along x (`step` 1) or y (`step` width), rounding to 8 bits as Pillow does after each pass. */
function convolve(plane: Uint8Array, width: number, height: number, taps: FixedTaps, alongX: boolean): Uint8Array {
  const outWidth = alongX ? taps.first.length : width;
  const outHeight = alongX ? height : taps.first.length;
  const out = new Uint8Array(outWidth * outHeight);
  const half = fixedOne / 2;
  for (let y = 0; y < outHeight; y += 1) {
    for (let x = 0; x < outWidth; x += 1) {
      const tap = alongX ? x : y;
      const from = taps.first[tap] as number;
      const n = taps.count[tap] as number;
      let sum = half;
      for (let k = 0; k < n; k += 1) {
        const source = alongX ? y * width + from + k : (from + k) * width + x;
        sum += (plane[source] as number) * (taps.weights[tap * taps.stride + k] as number);
      }
      out[y * outWidth + x] = clip8(sum);
    }
  }
  return out;
}

/**
 * Pillow's NEAREST is an affine scale: source index = floor(x·scale + scale/2), with the position accumulated by
 * repeated addition as Pillow does (which decides the rare ties).
 */
function nearestIndices(inSize: number, outSize: number): Int32Array {
  const scale = inSize / outSize;
  const indices = new Int32Array(outSize);
  let position = scale * 0.5;
  for (let i = 0; i < outSize; i += 1) {
    indices[i] = Math.min(inSize - 1, Math.max(0, Math.trunc(position)));
    position += scale;
  }
  return indices;
}

function resizeNearest(image: BytePlanes, width: number, height: number): BytePlanes {
  const xs = nearestIndices(image.width, width);
  const ys = nearestIndices(image.height, height);
  const planes = image.planes.map((plane) => {
    const out = new Uint8Array(width * height);
    for (let y = 0; y < height; y += 1) {
      const row = (ys[y] as number) * image.width;
      for (let x = 0; x < width; x += 1) out[y * width + x] = plane[row + (xs[x] as number)] as number;
    }
    return out;
  });
  return { width, height, planes };
}

/** Image.resize((width, height), filter) on an "L" or "RGB" image: horizontal pass first, then vertical. */
export function resizeLikePil(image: BytePlanes, width: number, height: number, filter: PilFilter): BytePlanes {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new MiaError(
      'model.bad-config',
      `Cannot resize a ${image.width}×${image.height} image to ${width}×${height}: the size must be positive whole pixels.`,
    );
  }
  if (image.width === width && image.height === height) return image;
  if (filter === 'nearest') return resizeNearest(image, width, height);
  const kernel = convolutionFilters[filter];
  const horizontal = width !== image.width ? fixedTaps(image.width, width, kernel) : null;
  const vertical = height !== image.height ? fixedTaps(image.height, height, kernel) : null;
  const planes = image.planes.map((plane) => {
    const rows = horizontal ? convolve(plane, image.width, image.height, horizontal, true) : plane;
    return vertical ? convolve(rows, width, image.height, vertical, false) : rows;
  });
  return { width, height, planes };
}
