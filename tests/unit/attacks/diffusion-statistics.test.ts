// The diffusion attack statistics on a real ONNX denoiser with ε(x, t) = (g + f·t)·x: every DDIM step is then a
// known scalar multiple of its input, so each statistic has a hand-computable value. Also the call counts per
// sample (ReDiffuse n·steps, SecMI t/k + 2, PIA 2, loss n) and the SSIM distance.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  lossStatistics,
  piaStatistics,
  powerDistances,
  rediffuseReconstructions,
  secmiStatistics,
  toGaussianScale,
} from '../../../src-main/engine/attacks/diffusion/diffusion-statistics';
import { reconstructionDistances, ssim } from '../../../src-main/engine/attacks/diffusion/image-distance';
import { seededNoise, suppliedNoise } from '../../../src-main/engine/attacks/diffusion/noise-source';
import { openDenoiser, type DenoiserAdapter } from '../../../src-main/engine/models/denoiser-adapter';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import { alphaBar, config, sampleSize, writeAffineDenoiser, writeRecords } from './diffusion-fixtures';

const g = 0.3;
const f = 0.001;
const lambda = (t: number) => g + f * t;
const a = (t: number) => Math.sqrt(alphaBar(t));
const s = (t: number) => Math.sqrt(1 - alphaBar(t));
/** The factor one DDIM step from t to t′ multiplies x_t by, under ε = λ_t·x_t. */
const stepFactor = (t: number, next: number) =>
  next <= 0 && next < t ? (1 - s(t) * lambda(t)) / a(t) : (a(next) * (1 - s(t) * lambda(t))) / a(t) + s(next) * lambda(t);

let folder: string;
let denoiser: DenoiserAdapter;
const x = Float32Array.from({ length: 2 * sampleSize }, (_, i) => Math.sin(i * 0.7) * 0.9);
const sumOf = (values: ArrayLike<number>, from: number, to: number, map: (v: number) => number) => {
  let total = 0;
  for (let i = from; i < to; i += 1) total += map(values[i] as number);
  return total;
};

function expectRelative(actual: number, expected: number, tolerance = 1e-5): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1e-12, Math.abs(expected)));
}

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-diffusion-stats-'));
  writeAffineDenoiser(path.join(folder, 'affine.onnx'), g, f);
  denoiser = await openDenoiser(path.join(folder, 'affine.onnx'), config);
});
afterAll(async () => {
  await denoiser?.release();
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('PIA and PIAN', () => {
  test('PIA equals Σ((g − λ_t(a_t + s_t·g))·x)⁴ and costs two calls per sample', async () => {
    const before = denoiser.modelCalls;
    const stats = await piaStatistics(denoiser, x, sampleSize, { t: 200, gaussianScale: false });
    expect(denoiser.modelCalls - before).toBe(4);
    const c = g - lambda(200) * (a(200) + s(200) * g);
    for (let item = 0; item < 2; item += 1)
      expectRelative(stats[item]!, c ** 4 * sumOf(x, item * sampleSize, (item + 1) * sampleSize, (v) => v ** 4));
  });

  test('PIAN rescales ε₀ to mean |ε₀| = √(2/π) per sample before noising and comparing', async () => {
    const stats = await piaStatistics(denoiser, x, sampleSize, { t: 200, gaussianScale: true });
    for (let item = 0; item < 2; item += 1) {
      const meanAbs = sumOf(x, item * sampleSize, (item + 1) * sampleSize, Math.abs) / sampleSize;
      const m = Math.sqrt(2 / Math.PI) / meanAbs; // ε₀ = g·x rescaled is m·x (g > 0)
      const c = m - lambda(200) * (a(200) + s(200) * m);
      expectRelative(stats[item]!, c ** 4 * sumOf(x, item * sampleSize, (item + 1) * sampleSize, (v) => v ** 4));
    }
  });

  test('the Gaussian rescaling leaves an all-zero ε₀ at zero instead of dividing by zero', () => {
    const scaled = toGaussianScale(new Float64Array(8), 4);
    expect(Array.from(scaled)).toEqual(new Array(8).fill(0));
  });
});

describe('SecMI', () => {
  test('the t-error equals ((γ_up·γ_back − 1)·Π γ_inversion)²·Σx² and costs t/k + 2 calls per sample', async () => {
    const before = denoiser.modelCalls;
    const stats = await secmiStatistics(denoiser, x, sampleSize, { t: 100, stride: 10 });
    expect(denoiser.modelCalls - before).toBe(2 * (100 / 10 + 2));
    let inversion = 1;
    for (let t = 0; t < 100; t += 10) inversion *= stepFactor(t, t + 10);
    const c = (stepFactor(100, 110) * stepFactor(110, 100) - 1) * inversion;
    for (let item = 0; item < 2; item += 1)
      expectRelative(stats[item]!, c * c * sumOf(x, item * sampleSize, (item + 1) * sampleSize, (v) => v * v), 1e-4);
  });
});

describe('ReDiffuse', () => {
  const repeats = 3;
  const noise = Float64Array.from({ length: 2 * repeats * sampleSize }, (_, i) => Math.cos(i * 1.3));

  test('the mean reconstruction equals C·(a_t·x + s_t·mean_r ε_r) with C the product of the walk factors, n·steps calls', async () => {
    const before = denoiser.modelCalls;
    const mean = await rediffuseReconstructions(denoiser, x, sampleSize, suppliedNoise(noise), { repeats, t: 200, stride: 100 });
    expect(denoiser.modelCalls - before).toBe(2 * repeats * 2);
    const c = stepFactor(200, 100) * stepFactor(100, 0);
    for (let item = 0; item < 2; item += 1) {
      for (let i = 0; i < sampleSize; i += 1) {
        let noiseMean = 0;
        for (let r = 0; r < repeats; r += 1) noiseMean += noise[(item * repeats + r) * sampleSize + i]! / repeats;
        const expected = c * (a(200) * x[item * sampleSize + i]! + s(200) * noiseMean);
        expect(Math.abs(mean[item * sampleSize + i]! - expected)).toBeLessThan(1e-5);
      }
    }
  });

  test('a stride that does not divide t takes ⌈t/k⌉ steps per copy', async () => {
    const before = denoiser.modelCalls;
    await rediffuseReconstructions(denoiser, x, sampleSize, suppliedNoise(noise), { repeats, t: 200, stride: 70 });
    expect(denoiser.modelCalls - before).toBe(2 * repeats * 3);
  });

  test('seeded noise gives a record the same draws whatever batch it is in, and different records different draws', async () => {
    const records = await writeRecords(folder, 3);
    const random = new SeededRandom(7);
    const alone = seededNoise(random, [records[1]!])(0, 5);
    const inBatch = seededNoise(random, records)(1, 5);
    expect(Array.from(inBatch)).toEqual(Array.from(alone));
    expect(Array.from(seededNoise(random, records)(0, 5))).not.toEqual(Array.from(alone));
  });
});

describe('diffusion loss', () => {
  test('equals mean_r Σ(ε_r − λ_t(a_t·x + s_t·ε_r))² with n calls per sample', async () => {
    const repeats = 4;
    const noise = Float64Array.from({ length: 2 * repeats * sampleSize }, (_, i) => Math.sin(i * 2.1 + 0.5));
    const before = denoiser.modelCalls;
    const stats = await lossStatistics(denoiser, x, sampleSize, suppliedNoise(noise), { repeats, t: 100 });
    expect(denoiser.modelCalls - before).toBe(2 * repeats);
    for (let item = 0; item < 2; item += 1) {
      let expected = 0;
      for (let r = 0; r < repeats; r += 1) {
        for (let i = 0; i < sampleSize; i += 1) {
          const e = noise[(item * repeats + r) * sampleSize + i]!;
          expected += (e - lambda(100) * (a(100) * x[item * sampleSize + i]! + s(100) * e)) ** 2 / repeats;
        }
      }
      expectRelative(stats[item]!, expected, 1e-5);
    }
  });
});

describe('distances', () => {
  const shape = { channels: 1, height: 4, width: 4 };
  test('L2 is the summed square, L1 the summed absolute difference, per sample', () => {
    const p = Float64Array.from([1, -1, 0, 2, 0, 0, 0, 0]);
    const q = Float64Array.from([0, 1, 0, 0, 0, 0, 0, 3]);
    expect(Array.from(powerDistances(p, q, 4, 2))).toEqual([1 + 4 + 4, 9]);
    expect(Array.from(powerDistances(p, q, 4, 1))).toEqual([1 + 2 + 2, 3]);
    expect(Array.from(powerDistances(p, q, 4, 4))).toEqual([1 + 16 + 16, 81]);
  });

  test('SSIM is 1 for identical images, lower for a noisier copy, and 1 − SSIM is the ssim distance', () => {
    const image = Float64Array.from({ length: 16 }, (_, i) => Math.sin(i));
    const slightly = image.map((v, i) => v + 0.05 * Math.cos(i * 3));
    const strongly = image.map((v, i) => v + 0.5 * Math.cos(i * 3));
    expect(ssim(image, image, shape)[0]).toBeCloseTo(1, 12);
    const [near, far] = [ssim(image, slightly, shape)[0]!, ssim(image, strongly, shape)[0]!];
    expect(near).toBeLessThan(1);
    expect(far).toBeLessThan(near);
    expect(reconstructionDistances(image, strongly, shape, 'ssim')[0]).toBeCloseTo(1 - far, 12);
  });

  test('SSIM of constant images follows the luminance term (2μaμb + C₁)/(μa² + μb² + C₁)', () => {
    const c1 = (0.01 * 2) ** 2;
    const value = ssim(new Float64Array(16).fill(0.2), new Float64Array(16).fill(0.6), shape)[0]!;
    expect(value).toBeCloseTo((2 * 0.2 * 0.6 + c1) / (0.04 + 0.36 + c1), 12);
  });
});
