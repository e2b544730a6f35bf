// The diffusion attack modules end to end inside the engine: the family runtime opens a real ONNX denoiser (and a
// VAE for the latent case), records are real PNGs, and each attack's scores, call counts, progress and determinism
// are checked against the statistics and the attack's own estimate.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import type { AttackModule } from '../../../src-main/engine/attacks/attack-module';
import { recordsPerBatch } from '../../../src-main/engine/attacks/diffusion/diffusion-run';
import { rediffuseReconstructions } from '../../../src-main/engine/attacks/diffusion/diffusion-statistics';
import type { DiffusionTarget } from '../../../src-main/engine/attacks/diffusion/diffusion-target';
import { ssim } from '../../../src-main/engine/attacks/diffusion/image-distance';
import { seededNoise } from '../../../src-main/engine/attacks/diffusion/noise-source';
import { findAttack } from '../../../src-main/engine/attacks/registry';
import type { RunRecord } from '../../../src-main/engine/attacks/run-record';
import type { AttackTask, ModelSpec } from '../../../src-main/engine/jobs/attack-task';
import { createCallProgress } from '../../../src-main/engine/jobs/call-progress';
import { diffusionPhase, epsilonChunk } from '../../../src-main/engine/jobs/diffusion-targets';
import { openFamilyRuntime, type FamilyRuntime } from '../../../src-main/engine/jobs/family-runtime';
import { createRecordImages } from '../../../src-main/engine/jobs/record-images';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import { plainTarget, totalModelCalls } from '../../../src-shared/domain/model-calls';
import { ProgressRate } from '../../../src-main/host/progress-rate';
import { buildOnnxModel } from '../models/helpers/onnx-builder';
import { config, side, writeAffineDenoiser, writeRecords } from './diffusion-fixtures';

let folder: string;
let records: RunRecord[];
const runtimes: FamilyRuntime[] = [];

function spec(files: Record<string, string>, extraConfig: Record<string, unknown> = {}): ModelSpec {
  const entries = Object.fromEntries(Object.entries(files).map(([role, file]) => [role, { path: file, sha256: 'unchecked' }]));
  return {
    id: 1,
    name: 'tiny denoiser',
    kind: 'diffusion',
    files: entries,
    config: { ...config, ...extraConfig },
    sha256: 'unchecked',
    trainedOn: null,
  };
}

interface Opened {
  target: DiffusionTarget;
  reports: { phase: string; done: number; total: number }[];
}

async function open(
  estimate: number,
  files: Record<string, string> = { denoiser: path.join(folder, 'affine.onnx') },
  extraConfig = {},
  signal = new AbortController().signal,
): Promise<Opened> {
  const reports: Opened['reports'] = [];
  const progress = createCallProgress(estimate, (phase, done, total) => reports.push({ phase, done, total }));
  const task = { target: spec(files, extraConfig), nullModel: null } as unknown as AttackTask;
  const runtime = await openFamilyRuntime(task, 'diffusion', { images: createRecordImages(), progress, signal, threads: 1 });
  runtimes.push(runtime);
  return { target: runtime.target as DiffusionTarget, reports };
}

function context(
  attack: AttackModule,
  params: Record<string, unknown>,
  target: DiffusionTarget,
  seed: number,
  signal = new AbortController().signal,
) {
  return {
    signal,
    progress: () => undefined,
    log: () => undefined,
    partial: () => undefined,
    params: attack.params.parse(params),
    random: new SeededRandom(seed).fork('attack'),
    target,
    records,
    dataset: records,
    models: {},
  };
}

async function run(id: string, params: Record<string, unknown> = {}, seed = 1) {
  const attack = findAttack(id);
  const estimate = totalModelCalls(
    attack.estimateModelCalls(attack.params.parse(params), { audited: records.length, references: 0, shadows: 0, target: plainTarget }),
  );
  const opened = await open(estimate);
  const result = await attack.run(context(attack, params, opened.target, seed));
  return { result, estimate, ...opened };
}

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-diffusion-attacks-'));
  writeAffineDenoiser(path.join(folder, 'affine.onnx'), 0.3, 0.001);
  records = await writeRecords(folder, 37);
});
afterAll(async () => {
  for (const runtime of runtimes) await runtime.release();
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('each diffusion attack', () => {
  test.each([
    ['rediffuse', {}, 20],
    ['rediffuse', { repeats: 3, stride: 70 }, 9],
    ['secmi', {}, 12],
    ['pia', {}, 2],
    ['pian', {}, 2],
    ['diffusion-loss', {}, 4],
  ] as const)('%s %j makes the estimated %i model calls per record and stores that figure', async (id, params, perRecord) => {
    const { result, estimate, target } = await run(id, params);
    expect(estimate).toBe(perRecord * records.length);
    expect(result.modelCalls).toBe(estimate);
    expect(target.modelCalls).toBe(estimate);
    // A pixel-space unconditional target is its denoiser alone.
    expect(target.modelCallsByComponent).toEqual({ unet: estimate });
    expect(result.extraMetrics).toContainEqual(expect.objectContaining({ name: 'model_calls_per_record', value: perRecord }));
    expect(Array.from(result.recordIds)).toEqual(records.map((r) => r.id));
    expect(result.scores.every((v) => Number.isFinite(v))).toBe(true);
  });

  test("scores are the negated statistics (higher = member): ReDiffuse equals −‖x − x̂‖² with the records' seeded noise", async () => {
    const { result, target } = await run('rediffuse', { repeats: 2 }, 5);
    const x = await target.samples(records);
    const mean = await rediffuseReconstructions(target, x, target.sampleSize, seededNoise(new SeededRandom(5).fork('attack'), records), {
      repeats: 2,
      t: 200,
      stride: 100,
    });
    records.forEach((_, item) => {
      let sum = 0;
      for (let i = item * 16; i < (item + 1) * 16; i += 1) sum += (x[i]! - mean[i]!) ** 2;
      expect(result.scores[item]).toBe(-sum);
    });
  });

  test('the same seed reproduces bit-identical scores; another seed changes the noisy attacks but not PIA or SecMI', async () => {
    for (const id of ['rediffuse', 'diffusion-loss']) {
      const first = (await run(id, {}, 11)).result.scores;
      expect(Array.from((await run(id, {}, 11)).result.scores)).toEqual(Array.from(first));
      expect(Array.from((await run(id, {}, 12)).result.scores)).not.toEqual(Array.from(first));
    }
    for (const id of ['pia', 'secmi']) {
      expect(Array.from((await run(id, {}, 13)).result.scores)).toEqual(Array.from((await run(id, {}, 14)).result.scores));
    }
  });

  test('ReDiffuse with the l1 and ssim distances gives negated distances (ssim: −(1 − SSIM) ≤ 0)', async () => {
    const l1 = (await run('rediffuse', { repeats: 2, distance: 'l1' })).result;
    const viaSsim = (await run('rediffuse', { repeats: 2, distance: 'ssim' })).result;
    expect(l1.scores.every((v) => v < 0)).toBe(true);
    expect(viaSsim.scores.every((v) => v <= 0 && v >= -2)).toBe(true);
    expect(viaSsim.notes.join(' ')).toContain('distance ssim in pixel space');
  });
});

describe('progress and batching', () => {
  test('progress is counted in model calls under one phase, in steps of at most one ε chunk, ending at the estimate', async () => {
    const { reports, estimate } = await run('rediffuse', { repeats: 3 });
    expect(new Set(reports.map((r) => r.phase))).toEqual(new Set([diffusionPhase]));
    expect(reports.at(-1)).toMatchObject({ done: estimate, total: estimate });
    reports.forEach((report, i) => {
      expect(report.total).toBe(estimate);
      expect(report.done - (reports[i - 1]?.done ?? 0)).toBeLessThanOrEqual(epsilonChunk);
    });
  });

  test('with uneven ε chunks and a fixed cost per session run, the ETA after the first 5 % stays within ±30 %', async () => {
    // 37 records × 10 copies = 370 samples per step: chunks of 64, …, 64 and 50. Simulated time per chunk: 40 ms of
    // fixed overhead plus 2 ms per call, so calls do not cost exactly the same and the ETA is genuinely estimated.
    const { reports, estimate } = await run('rediffuse', { repeats: 10 });
    const chunkMs = (calls: number) => 40 + 2 * calls;
    let now = 0;
    const times = reports.map((report, i) => (now += chunkMs(report.done - (reports[i - 1]?.done ?? 0))));
    const end = times.at(-1)!;
    const rate = new ProgressRate(2_000);
    let checked = 0;
    reports.forEach((report, i) => {
      const { etaSeconds } = rate.update(report.phase, report.done, report.total, times[i]!);
      if (report.done < 0.05 * estimate || report.done === estimate || etaSeconds === null) return;
      const remaining = (end - times[i]!) / 1000;
      expect(Math.abs(etaSeconds - remaining)).toBeLessThanOrEqual(0.3 * remaining);
      checked += 1;
    });
    expect(checked).toBeGreaterThan(3);
  });

  test('the batch plan fits the memory budget and never drops below one record', () => {
    expect(recordsPerBatch(16, 10, 16)).toBe(Math.floor((16 * 1024 * 1024) / (16 * 10 * 48)));
    expect(recordsPerBatch(4 * 64 * 64, 10, 64)).toBe(8);
    expect(recordsPerBatch(3 * 1024 * 1024, 10, 16)).toBe(1);
  });

  test('a cancelled run stops between ε chunks', async () => {
    const controller = new AbortController();
    const attack = findAttack('secmi');
    const opened = await open(12 * records.length, undefined, {}, controller.signal);
    controller.abort();
    await expect(attack.run(context(attack, {}, opened.target, 1, controller.signal))).rejects.toThrow();
    expect(opened.target.modelCalls).toBe(0);
  });
});

describe('parameter and model checks', () => {
  test('refuses a timestep outside the model schedule, naming the parameter', async () => {
    await expect(run('pia', { t: 1000 })).rejects.toMatchObject({ code: 'run.invalid-params' });
    await expect(run('secmi', { t: 995, stride: 10 })).rejects.toMatchObject({
      code: 'run.invalid-params',
      message: expect.stringContaining('t = 995'),
    });
  });

  test('every diffusion attack is registered with a form schema whose fields have defaults and help text', () => {
    for (const id of ['rediffuse', 'secmi', 'pia', 'pian', 'diffusion-loss']) {
      const attack = findAttack(id);
      expect(attack.family).toBe('diffusion');
      const schema = z.toJSONSchema(attack.params, { io: 'input' }) as {
        properties: Record<string, { default?: unknown; description?: string }>;
      };
      for (const field of Object.values(schema.properties)) {
        expect(field.default).toBeDefined();
        expect(field.description).toBeTruthy();
      }
    }
  });

  test('rejects unknown parameters and a distance it does not know', () => {
    expect(() => findAttack('rediffuse').params.parse({ distance: 'l3' })).toThrow();
    expect(() => findAttack('pia').params.parse({ repeats: 3 })).toThrow();
  });

  test('refuses a latent configuration without its VAE files', async () => {
    await expect(open(1, undefined, { pixelShape: { channels: 1, height: side, width: side } })).rejects.toMatchObject({
      code: 'model.incomplete-latent',
    });
  });
});

describe('latent diffusion', () => {
  const scaleModel = (factor: number) =>
    buildOnnxModel({
      inputs: [{ name: 'x', type: 'float32', shape: ['batch', 1, side, side] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['batch', 1, side, side] }],
      initializers: [{ name: 'k', type: 'float32', dims: [], values: [factor] }],
      nodes: [{ op: 'Mul', inputs: ['x', 'k'], outputs: ['y'] }],
    });

  test('works in latent space and compares decoded reconstructions with the original pixels for ssim', async () => {
    fs.writeFileSync(path.join(folder, 'encoder.onnx'), scaleModel(2));
    fs.writeFileSync(path.join(folder, 'decoder.onnx'), scaleModel(0.5));
    const files = {
      denoiser: path.join(folder, 'affine.onnx'),
      vae_encoder: path.join(folder, 'encoder.onnx'),
      vae_decoder: path.join(folder, 'decoder.onnx'),
    };
    const attack = findAttack('rediffuse');
    const params = { repeats: 2, distance: 'ssim' };
    const opened = await open(4 * records.length, files, { pixelShape: { channels: 1, height: side, width: side }, vaeScalingFactor: 1 });
    const result = await attack.run(context(attack, params, opened.target, 3));
    expect(opened.target.latent).not.toBeNull();
    const pixels = await opened.target.pixels(records);
    const latents = await opened.target.samples(records);
    latents.forEach((v, i) => expect(v).toBeCloseTo(2 * pixels[i]!, 6));
    const mean = await rediffuseReconstructions(opened.target, latents, 16, seededNoise(new SeededRandom(3).fork('attack'), records), {
      repeats: 2,
      t: 200,
      stride: 100,
    });
    const expected = ssim(
      pixels,
      mean.map((v) => v * 0.5),
      { channels: 1, height: side, width: side },
    );
    records.forEach((_, i) => expect(result.scores[i]).toBeCloseTo(-(1 - expected[i]!), 6));
    expect(result.notes.join(' ')).toContain('decoded pixels');
  });
});
