// Distances between an image and its reconstruction for ReDiffuse: squared L2, L1, and 1 − SSIM (for latent or
// large models, where pixel norms are dominated by texture). Images are [N, C, H, W] in [-1, 1].
import { MiaError } from '../../../common/errors';
import type { Sample } from '../../diffusion/ddim';
import type { SampleShape } from '../../models/vae-codec';
import { powerDistances } from './diffusion-statistics';

export type ReconstructionDistance = 'l2' | 'l1' | 'ssim';

/** Wang et al. (2004): an 11-tap Gaussian window with σ = 1.5, K₁ = 0.01, K₂ = 0.03. */
const ssimWindow = 11;
const ssimSigma = 1.5;
const k1 = 0.01;
const k2 = 0.03;
/** Pixels in [-1, 1] span 2. */
const dataRange = 2;

/** Normalised 1-D Gaussian taps; the window shrinks (odd, ≥ 1) for images smaller than 11 pixels. */
export function gaussianTaps(length: number, sigma = ssimSigma): Float64Array {
  const half = (length - 1) / 2;
  const taps = Float64Array.from({ length }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const total = taps.reduce((sum, v) => sum + v, 0);
  return taps.map((v) => v / total);
}

function windowFor(shape: SampleShape): number {
  const fits = Math.min(ssimWindow, shape.height, shape.width);
  return fits % 2 === 1 ? fits : fits - 1;
}

/** Separable 'valid' filtering of one plane: out is (H − w + 1) × (W − w + 1). */
function filterValid(plane: Float64Array, height: number, width: number, taps: Float64Array): Float64Array {
  const w = taps.length;
  const outH = height - w + 1;
  const outW = width - w + 1;
  const rows = new Float64Array(height * outW);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < outW; x += 1) {
      let sum = 0;
      for (let k = 0; k < w; k += 1) sum += (taps[k] as number) * (plane[y * width + x + k] as number);
      rows[y * outW + x] = sum;
    }
  }
  const out = new Float64Array(outH * outW);
  for (let y = 0; y < outH; y += 1) {
    for (let x = 0; x < outW; x += 1) {
      let sum = 0;
      for (let k = 0; k < w; k += 1) sum += (taps[k] as number) * (rows[(y + k) * outW + x] as number);
      out[y * outW + x] = sum;
    }
  }
  return out;
}

/** Mean SSIM of one channel plane pair (Gaussian-weighted local statistics, as Wang et al. 2004). */
function planeSsim(a: Float64Array, b: Float64Array, height: number, width: number, taps: Float64Array): number {
  const product = (p: Float64Array, q: Float64Array) => p.map((v, i) => v * (q[i] as number));
  const muA = filterValid(a, height, width, taps);
  const muB = filterValid(b, height, width, taps);
  const aa = filterValid(product(a, a), height, width, taps);
  const bb = filterValid(product(b, b), height, width, taps);
  const ab = filterValid(product(a, b), height, width, taps);
  const c1 = (k1 * dataRange) ** 2;
  const c2 = (k2 * dataRange) ** 2;
  let sum = 0;
  for (let i = 0; i < muA.length; i += 1) {
    const ma = muA[i] as number;
    const mb = muB[i] as number;
    const varA = (aa[i] as number) - ma * ma;
    const varB = (bb[i] as number) - mb * mb;
    const cov = (ab[i] as number) - ma * mb;
    sum += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (varA + varB + c2));
  }
  return sum / muA.length;
}

/** Mean SSIM over channels of each image pair. */
export function ssim(a: Sample, b: Sample, shape: SampleShape): Float64Array {
  const { channels, height, width } = shape;
  const plane = height * width;
  const size = channels * plane;
  if (a.length !== b.length || a.length % size !== 0) {
    throw new MiaError(
      'diffusion.bad-batch',
      `SSIM needs two batches of ${channels}×${height}×${width} images of equal length; got ${a.length} and ${b.length} values.`,
    );
  }
  const taps = gaussianTaps(windowFor(shape));
  const out = new Float64Array(a.length / size);
  for (let item = 0; item < out.length; item += 1) {
    let total = 0;
    for (let c = 0; c < channels; c += 1) {
      const from = item * size + c * plane;
      total += planeSsim(
        Float64Array.from(a.subarray(from, from + plane)),
        Float64Array.from(b.subarray(from, from + plane)),
        height,
        width,
        taps,
      );
    }
    out[item] = total / channels;
  }
  return out;
}

/** The ReDiffuse statistic of each pair (lower = closer = more likely a member). */
export function reconstructionDistances(
  original: Sample,
  reconstructed: Sample,
  shape: SampleShape,
  distance: ReconstructionDistance,
): Float64Array {
  const size = shape.channels * shape.height * shape.width;
  switch (distance) {
    case 'l2':
      return powerDistances(original, reconstructed, size, 2);
    case 'l1':
      return powerDistances(original, reconstructed, size, 1);
    case 'ssim':
      return ssim(original, reconstructed, shape).map((value) => 1 - value);
  }
}
