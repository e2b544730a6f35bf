// Deterministic image resizing in plain TypeScript on planar float images (no native code, same bits everywhere).

/** Planar float image: `planes[c][y * width + x]`. */
export interface PlanarImage {
  readonly width: number;
  readonly height: number;
  readonly planes: Float64Array[];
}

interface Taps {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly weights: Float64Array;
  readonly maxTaps: number;
}

/**
 * Triangle (bilinear) filter whose support widens with the reduction factor, so downscaling averages every
 * source pixel instead of skipping some (the same idea as Pillow's antialiased BILINEAR).
 */
function filterTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxTaps);
  for (let i = 0; i < outSize; i += 1) {
    const centre = (i + 0.5) * scale;
    const from = Math.max(0, Math.floor(centre - support));
    const to = Math.min(inSize, Math.ceil(centre + support));
    let total = 0;
    let n = 0;
    for (let j = from; j < to && n < maxTaps; j += 1) {
      const w = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / filterScale));
      weights[i * maxTaps + n] = w;
      total += w;
      n += 1;
    }
    for (let k = 0; k < n; k += 1) weights[i * maxTaps + k] = (weights[i * maxTaps + k] as number) / total;
    start[i] = from;
    count[i] = n;
  }
  return { start, count, weights, maxTaps };
}

export function resizePlanar(image: PlanarImage, width: number, height: number): PlanarImage {
  if (image.width === width && image.height === height) return image;
  const horizontal = filterTaps(image.width, width);
  const vertical = filterTaps(image.height, height);
  const planes = image.planes.map((plane) => {
    const rows = new Float64Array(width * image.height);
    for (let y = 0; y < image.height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        let sum = 0;
        const s = horizontal.start[x] as number;
        for (let k = 0; k < (horizontal.count[x] as number); k += 1) {
          sum += (horizontal.weights[x * horizontal.maxTaps + k] as number) * (plane[y * image.width + s + k] as number);
        }
        rows[y * width + x] = sum;
      }
    }
    const out = new Float64Array(width * height);
    for (let y = 0; y < height; y += 1) {
      const s = vertical.start[y] as number;
      for (let x = 0; x < width; x += 1) {
        let sum = 0;
        for (let k = 0; k < (vertical.count[y] as number); k += 1) {
          sum += (vertical.weights[y * vertical.maxTaps + k] as number) * (rows[(s + k) * width + x] as number);
        }
        out[y * width + x] = sum;
      }
    }
    return out;
  });
  return { width, height, planes };
}

/** Python's round(): halves go to the even neighbour, as torchvision's centre crop computes its offset. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export function centreCrop(image: PlanarImage, width: number, height: number): PlanarImage {
  if (image.width === width && image.height === height) return image;
  const top = roundHalfEven((image.height - height) / 2);
  const left = roundHalfEven((image.width - width) / 2);
  const planes = image.planes.map((plane) => {
    const out = new Float64Array(width * height);
    for (let y = 0; y < height; y += 1) {
      out.set(plane.subarray((top + y) * image.width + left, (top + y) * image.width + left + width), y * width);
    }
    return out;
  });
  return { width, height, planes };
}

/** Scales so the image covers width×height (the shorter side fits), then crops the centre. */
export function resizeShorterSideAndCrop(image: PlanarImage, width: number, height: number): PlanarImage {
  const scale = Math.max(width / image.width, height / image.height);
  const scaledWidth = Math.max(width, Math.round(image.width * scale));
  const scaledHeight = Math.max(height, Math.round(image.height * scale));
  return centreCrop(resizePlanar(image, scaledWidth, scaledHeight), width, height);
}
