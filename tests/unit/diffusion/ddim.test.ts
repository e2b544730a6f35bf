// DDIM helpers and the denoiser adapter on a real ONNX model whose ε is known in closed form: ε(x, t) = c·t·x.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addNoise, ddimDenoise, ddimInvert, ddimStep, estimateX0 } from '../../../src-main/engine/diffusion/ddim';
import { openDenoiser, type DenoiserAdapter } from '../../../src-main/engine/models/denoiser-adapter';
import { DiffusionConfig } from '../../../src-main/engine/models/model-config';
import { writeLinearDenoiser } from '../models/helpers/onnx-builder';

const factor = 0.001;
const config = DiffusionConfig.parse({
  kind: 'diffusion',
  sampleShape: { channels: 1, height: 4, width: 4 },
  preprocess: { width: 4, height: 4, channels: 1 },
  scheduler: {},
});
let folder: string;
const opened: DenoiserAdapter[] = [];

async function open(
  timestepType: 'int64' | 'float32',
  extra: { timestepShape?: (number | string)[]; prediction?: 'v_prediction' | 'sample' } = {},
) {
  const file = path.join(folder, `denoiser-${timestepType}-${extra.timestepShape?.length ?? 1}.onnx`);
  writeLinearDenoiser(file, { timestepType, factor, ...(extra.timestepShape ? { timestepShape: extra.timestepShape } : {}) });
  const adapter = await openDenoiser(file, { ...config, ...(extra.prediction ? { predictionType: extra.prediction } : {}) });
  opened.push(adapter);
  return adapter;
}

const samples = (count: number) => Float32Array.from({ length: count * 16 }, (_, i) => Math.sin(i * 0.7) * 0.9);

beforeAll(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-ddim-'));
});
afterAll(async () => {
  for (const adapter of opened) await adapter.release();
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('denoiser adapter', () => {
  test('feeds int64 timesteps as BigInt64 and reads the sample/timestep inputs from the model', async () => {
    const denoiser = await open('int64');
    expect(denoiser.timestepInput.dtype).toBe('int64');
    const x = samples(3);
    const eps = await denoiser.predictEpsilon(x, [10, 200, 999]);
    [10, 200, 999].forEach((t, item) => {
      for (let i = 0; i < 16; i += 1) expect(eps[item * 16 + i]).toBeCloseTo(factor * t * (x[item * 16 + i] as number), 6);
    });
    expect(denoiser.modelCalls).toBe(3);
    expect(denoiser.sessionRuns).toBe(1);
  });

  test('a scalar timestep input is run once per distinct timestep, float timesteps give the same ε', async () => {
    const scalar = await open('float32', { timestepShape: [] });
    const x = samples(3);
    const eps = await scalar.predictEpsilon(x, [5, 7, 5]);
    expect(scalar.sessionRuns).toBe(2);
    expect(scalar.modelCalls).toBe(3);
    expect(eps[16 + 3]).toBeCloseTo(factor * 7 * (x[16 + 3] as number), 6);
    expect(eps[32 + 3]).toBeCloseTo(factor * 5 * (x[32 + 3] as number), 6);
  });

  test('converts v-prediction and x₀-prediction outputs to ε', async () => {
    const v = await open('int64', { prediction: 'v_prediction' });
    const x0 = await open('int64', { prediction: 'sample' });
    const x = samples(1);
    const t = 300;
    const alphaBar = v.schedule.alphaBar(t);
    const fromV = await v.predictEpsilon(x, t);
    const fromX0 = await x0.predictEpsilon(x, t);
    for (let i = 0; i < 16; i += 1) {
      const raw = factor * t * (x[i] as number);
      expect(fromV[i]).toBeCloseTo(Math.sqrt(alphaBar) * raw + Math.sqrt(1 - alphaBar) * (x[i] as number), 6);
      expect(fromX0[i]).toBeCloseTo(((x[i] as number) - Math.sqrt(alphaBar) * raw) / Math.sqrt(1 - alphaBar), 5);
    }
  });

  test('refuses a timestep outside the schedule', async () => {
    const denoiser = await open('int64');
    await expect(denoiser.predictEpsilon(samples(1), 1000)).rejects.toThrow(/outside the schedule/);
  });
});

// Every helper is linear in x when ε = c·t·x, so each result is a known multiple of x.
describe('DDIM helpers', () => {
  const x = samples(2);
  const multiplierOf = (result: Float64Array) => (result[5] as number) / (x[5] as number);
  const expectMultiple = (result: Float64Array, m: number) => {
    for (let i = 0; i < x.length; i += 1) expect(result[i]).toBeCloseTo(m * (x[i] as number), 6);
  };

  test('x̂₀ and a step t → t′ in either direction follow the deterministic DDIM formulas; a step down to 0 or below returns x̂₀', async () => {
    const model = await open('int64');
    const a = (t: number) => model.schedule.alphaBar(t);
    const x0Multiple = (t: number) => (1 - Math.sqrt(1 - a(t)) * factor * t) / Math.sqrt(a(t));
    expectMultiple(await estimateX0(model, x, 200), x0Multiple(200));
    const down = await ddimStep(model, x, 200, 100);
    expectMultiple(down.x, Math.sqrt(a(100)) * x0Multiple(200) + Math.sqrt(1 - a(100)) * factor * 200);
    const up = await ddimStep(model, x, 10, 20);
    expectMultiple(up.x, Math.sqrt(a(20)) * x0Multiple(10) + Math.sqrt(1 - a(20)) * factor * 10);
    expect(multiplierOf((await ddimStep(model, x, 50, 0)).x)).toBeCloseTo(x0Multiple(50), 6);
    expect(multiplierOf((await ddimStep(model, x, 50, -50)).x)).toBeCloseTo(x0Multiple(50), 6);
  });

  test('the denoising walk 200 → 100 → x̂₀ costs two calls per image and ends on x̂₀', async () => {
    const model = await open('int64');
    const a = (t: number) => model.schedule.alphaBar(t);
    const result = await ddimDenoise(model, x, 200, 100);
    const m200 = (1 - Math.sqrt(1 - a(200)) * factor * 200) / Math.sqrt(a(200));
    const at100 = Math.sqrt(a(100)) * m200 + Math.sqrt(1 - a(100)) * factor * 200;
    const expected = (at100 * (1 - Math.sqrt(1 - a(100)) * factor * 100)) / Math.sqrt(a(100));
    expectMultiple(result, expected);
    expect(model.modelCalls).toBe(2 * 2);
  });

  test('inversion 0 → 10 → … → 100 takes t/k calls and matches the step recursion', async () => {
    const model = await open('int64');
    const a = (t: number) => model.schedule.alphaBar(t);
    let m = 1;
    for (let s = 0; s < 100; s += 10) {
      const x0m = (m * (1 - Math.sqrt(1 - a(s)) * factor * s)) / Math.sqrt(a(s));
      m = Math.sqrt(a(s + 10)) * x0m + Math.sqrt(1 - a(s + 10)) * factor * s * m;
    }
    expectMultiple(await ddimInvert(model, x, 100, 10), m);
    expect(model.modelCalls).toBe(10 * 2);
  });

  test('forward noising mixes x₀ and ε by √ᾱ and √(1−ᾱ)', async () => {
    const model = await open('int64');
    const noise = Float32Array.from(x, (v) => -v);
    const a = model.schedule.alphaBar(200);
    expectMultiple(addNoise(model.schedule, x, noise, 200), Math.sqrt(a) - Math.sqrt(1 - a));
  });

  test('a stride that is not a positive integer is refused', async () => {
    const model = await open('int64');
    await expect(ddimDenoise(model, x, 200, 0)).rejects.toThrow(/stride/);
  });
});
