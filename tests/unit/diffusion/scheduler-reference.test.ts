// The scheduler against numbers numpy computed from diffusers' formulas (tools/scheduler-reference/
// scheduler_reference.py → tests/fixtures/scheduler-reference.json): Stable Diffusion's betas and ᾱ, DDIM timestep
// sequences for each spacing, ε / x̂₀ from each prediction type; and the scheduler_config.json keys that shape a DDIM
// step (set_alpha_to_one, clip_sample), on a real ONNX denoiser whose ε is known in closed form.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseWith } from '../../../src-main/common/parse';
import { ddimStep, predictX0 } from '../../../src-main/engine/diffusion/ddim';
import { ddimTimesteps } from '../../../src-main/engine/diffusion/inference-timesteps';
import { epsilonFromModelOutput, x0FromModelOutput } from '../../../src-main/engine/diffusion/model-output';
import { createNoiseSchedule, SchedulerConfig, type PredictionType } from '../../../src-main/engine/diffusion/scheduler';
import { openDenoiser, type DenoiserAdapter } from '../../../src-main/engine/models/denoiser-adapter';
import { DiffusionConfig } from '../../../src-main/engine/models/model-config';
import { writeLinearDenoiser } from '../models/helpers/onnx-builder';

interface Reference {
  beta_start: number;
  beta_end: number;
  train_steps: number;
  schedules: {
    beta_schedule: 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
    timesteps: number[];
    betas: number[];
    alphas_cumprod: number[];
    final_alpha_cumprod_without_set_alpha_to_one: number;
  }[];
  ddim_timesteps: {
    train_steps: number;
    steps_offset: number;
    timestep_spacing: 'leading' | 'trailing' | 'linspace';
    inference_steps: number;
    timesteps: number[];
  }[];
  conversions: {
    prediction_type: PredictionType;
    timestep: number;
    alpha_cumprod: number;
    x_t: number[];
    model_output: number[];
    epsilon: number[];
    x0: number[];
  }[];
}

const reference = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'scheduler-reference.json'), 'utf8'),
) as Reference;
const parse = (value: unknown) => parseWith(SchedulerConfig, value, 'scheduler_config.json', 'model.bad-scheduler');

function expectClose(actual: ArrayLike<number>, expected: readonly number[], relative = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) =>
    expect(Math.abs((actual[i] as number) - value)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(value))),
  );
}

function refusal(value: unknown): string {
  try {
    parse(value);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('scheduler against numpy', () => {
  test.each(reference.schedules.map((s) => [s.beta_schedule, s] as const))('%s betas and ᾱ with Stable Diffusion values', (_, expected) => {
    const config = parse({ beta_schedule: expected.beta_schedule, beta_start: reference.beta_start, beta_end: reference.beta_end });
    const schedule = createNoiseSchedule(config);
    expectClose(
      expected.timesteps.map((t) => schedule.betas[t] as number),
      expected.betas,
    );
    expectClose(
      expected.timesteps.map((t) => schedule.alphaBar(t)),
      expected.alphas_cumprod,
    );
    expect(schedule.alphaBar(-1)).toBe(1);
    const withoutOne = createNoiseSchedule(parse({ ...config, set_alpha_to_one: false }));
    expect(withoutOne.alphaBar(-1)).toBeCloseTo(expected.final_alpha_cumprod_without_set_alpha_to_one, 15);
  });

  test.each(reference.ddim_timesteps.map((c) => [c.timestep_spacing, c.train_steps, c.inference_steps, c] as const))(
    'DDIM timesteps, %s spacing, %i training steps, %i inference steps',
    (_, __, ___, c) => {
      const schedule = createNoiseSchedule(
        parse({ num_train_timesteps: c.train_steps, steps_offset: c.steps_offset, timestep_spacing: c.timestep_spacing }),
      );
      expect(ddimTimesteps(schedule, c.inference_steps)).toEqual(c.timesteps);
    },
  );

  test.each(reference.conversions.map((c) => [c.prediction_type, c.timestep, c] as const))(
    'ε and x̂₀ from %s output at t = %i',
    (_, __, c) => {
      const schedule = createNoiseSchedule(
        parse({ beta_schedule: 'scaled_linear', beta_start: reference.beta_start, beta_end: reference.beta_end }),
      );
      const alphaBar = schedule.alphaBar(c.timestep);
      expect(alphaBar).toBeCloseTo(c.alpha_cumprod, 14);
      const epsilon = new Float64Array(c.x_t.length);
      const x0 = new Float64Array(c.x_t.length);
      epsilonFromModelOutput(c.prediction_type, c.model_output, c.x_t, alphaBar, epsilon);
      x0FromModelOutput(c.prediction_type, c.model_output, c.x_t, alphaBar, x0);
      // x̂₀ from ε-prediction at t = 999 divides by √ᾱ ≈ 0.07, which scales the ᾱ rounding difference.
      expectClose(epsilon, c.epsilon, 1e-11);
      expectClose(x0, c.x0, 1e-11);
    },
  );
});

describe('scheduler_config.json keys', () => {
  test('accepts the configurations diffusers writes for DDPM, DDIM, PNDM and Euler, unknown keys passing through', () => {
    const shared = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000, trained_betas: null };
    const configs = [
      { _class_name: 'DDPMScheduler', ...shared, clip_sample: false, variance_type: 'fixed_small', prediction_type: 'epsilon' },
      { _class_name: 'DDIMScheduler', ...shared, clip_sample: false, set_alpha_to_one: false, steps_offset: 1, prediction_type: 'epsilon' },
      {
        _class_name: 'PNDMScheduler',
        ...shared,
        skip_prk_steps: true,
        set_alpha_to_one: false,
        steps_offset: 1,
        timestep_spacing: 'leading',
      },
      {
        _class_name: 'EulerDiscreteScheduler',
        ...shared,
        interpolation_type: 'linear',
        prediction_type: 'v_prediction',
        timestep_spacing: 'trailing',
      },
      { _class_name: 'SomeFutureScheduler', ...shared },
    ];
    for (const config of configs) {
      const parsed = parse(config);
      expect(parsed._class_name).toBe(config._class_name);
      expect(createNoiseSchedule(parsed).timesteps).toBe(1000);
    }
    const ddim = createNoiseSchedule(parse(configs[1]));
    expect(ddim.stepsOffset).toBe(1);
    expect(ddim.clipSampleRange).toBeNull();
    expect(ddimTimesteps(ddim, 50).slice(0, 3)).toEqual([981, 961, 941]);
    expect(createNoiseSchedule(parse(configs[3])).timestepSpacing).toBe('trailing');
  });

  const demoSchedulers = ['latent-diffusion', 'dit']
    .map((demo) => path.join(__dirname, '..', '..', '..', 'resources', 'demo', demo, 'scheduler', 'scheduler_config.json'))
    .filter((file) => fs.existsSync(file));
  test.skipIf(demoSchedulers.length === 0).each(demoSchedulers)('the demo pipeline configuration %s parses to its schedule', (file) => {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const schedule = createNoiseSchedule(parse(raw));
    expect(schedule.timesteps).toBe(raw.num_train_timesteps);
    expect(schedule.stepsOffset).toBe(raw.steps_offset ?? 0);
    expect(schedule.alphaBar(-1)).toBe(raw.set_alpha_to_one === false ? schedule.alphaBar(0) : 1);
    expect(ddimTimesteps(schedule, 10)).toHaveLength(10);
  });

  test('refuses values out of range, naming the key', () => {
    expect(refusal({ num_train_timesteps: 1000, steps_offset: 1000 })).toMatch(/steps_offset: must be below num_train_timesteps \(1000\)/);
    expect(refusal({ steps_offset: -1 })).toMatch(/steps_offset/);
    expect(refusal({ beta_end: 1.5 })).toMatch(/beta_end/);
    expect(refusal({ clip_sample: true, clip_sample_range: 0 })).toMatch(/clip_sample_range/);
    expect(refusal({ timestep_spacing: 'karras' })).toMatch(/timestep_spacing/);
    expect(refusal({ set_alpha_to_one: 'yes' })).toMatch(/set_alpha_to_one/);
  });

  test('refuses a DDIM step count the schedule cannot hold', () => {
    const schedule = createNoiseSchedule(parse({ steps_offset: 1 }));
    expect(() => ddimTimesteps(schedule, 1000)).toThrow(/reach timestep 1000, outside the schedule's 0…999/);
    expect(() => ddimTimesteps(schedule, 0)).toThrow(/whole number from 1 to num_train_timesteps \(1000\)/);
  });
});

describe('DDIM step with the configuration keys, on a real ONNX denoiser ε(x, t) = c·t·x', () => {
  const factor = 0.001;
  let folder: string;
  const opened: DenoiserAdapter[] = [];
  const samples = Float32Array.from({ length: 16 }, (_, i) => Math.sin(i * 0.7) * 3);

  async function open(scheduler: Record<string, unknown>): Promise<DenoiserAdapter> {
    const file = path.join(folder, 'linear-denoiser.onnx');
    if (!fs.existsSync(file)) writeLinearDenoiser(file, { timestepType: 'int64', factor });
    const config = DiffusionConfig.parse({
      kind: 'diffusion',
      sampleShape: { channels: 1, height: 4, width: 4 },
      preprocess: { width: 4, height: 4, channels: 1 },
      scheduler,
    });
    const adapter = await openDenoiser(file, config);
    opened.push(adapter);
    return adapter;
  }

  beforeAll(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-scheduler-keys-'));
  });
  afterAll(async () => {
    for (const adapter of opened) await adapter.release();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('clip_sample clips x̂₀ to its range and steps along the ε the clipped x̂₀ implies', async () => {
    const plain = await open({});
    const clipped = await open({ clip_sample: true, clip_sample_range: 0.5 });
    const [t, next] = [900, 800];
    const unclipped = await ddimStep(plain, samples, t, next);
    expect(Math.max(...Array.from(unclipped.x0, Math.abs))).toBeGreaterThan(0.5);

    const step = await ddimStep(clipped, samples, t, next);
    const epsilon = Float32Array.from(samples, (x) => Math.fround(factor * t * x));
    const x0 = predictX0(samples, epsilon, clipped.schedule.alphaBar(t)).map((v) => Math.min(0.5, Math.max(-0.5, v)));
    const [a, aNext] = [clipped.schedule.alphaBar(t), clipped.schedule.alphaBar(next)];
    const expected = Array.from(x0, (v, i) => {
      const direction = ((samples[i] as number) - Math.sqrt(a) * v) / Math.sqrt(1 - a);
      return Math.sqrt(aNext) * v + Math.sqrt(1 - aNext) * direction;
    });
    expectClose(step.x0, Array.from(x0), 1e-6);
    expectClose(step.x, expected, 1e-6);
    expect(Array.from(step.x)).not.toEqual(Array.from(unclipped.x));
  });

  test('set_alpha_to_one false makes the last denoising step land at ᾱ_0, not on x̂₀', async () => {
    const withOne = await ddimStep(await open({}), samples, 5, -1);
    expect(Array.from(withOne.x)).toEqual(Array.from(withOne.x0));

    const adapter = await open({ set_alpha_to_one: false });
    const step = await ddimStep(adapter, samples, 5, -1);
    const a0 = adapter.schedule.alphasCumprod[0] as number;
    const expected = Array.from(step.x0, (v, i) => Math.sqrt(a0) * v + Math.sqrt(1 - a0) * (step.epsilon[i] as number));
    expectClose(step.x, expected, 1e-12);
    expect(Array.from(step.x)).not.toEqual(Array.from(step.x0));
  });
});
