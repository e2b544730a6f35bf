// Noise schedules from scheduler.json against values computed by hand (numpy, float64).
import { describe, expect, test } from 'vitest';
import { isMiaError } from '../../../src-main/common/errors';
import { parseWith } from '../../../src-main/common/parse';
import { createNoiseSchedule, SchedulerConfig } from '../../../src-main/engine/diffusion/scheduler';

const parse = (value: unknown) => parseWith(SchedulerConfig, value, 'scheduler.json', 'model.bad-scheduler');

describe('noise schedule', () => {
  test('linear betas run from beta_start to beta_end and ᾱ is their running product (DDPM defaults)', () => {
    const schedule = createNoiseSchedule(parse({}));
    expect(schedule.timesteps).toBe(1000);
    expect(schedule.betas[0]).toBeCloseTo(1e-4, 15);
    expect(schedule.betas[1]).toBeCloseTo(0.00011991991991991993, 15);
    expect(schedule.betas[500]).toBeCloseTo(0.010059959959959959, 15);
    expect(schedule.betas[999]).toBeCloseTo(0.02, 15);
    expect(schedule.alphaBar(199)).toBeCloseTo(0.6590385082317941, 12);
    expect(schedule.alphaBar(999)).toBeCloseTo(4.035829765375676e-5, 15);
    expect(schedule.alphas[10]).toBeCloseTo(1 - (schedule.betas[10] as number), 15);
  });

  test('scaled_linear squares a linear ramp of square roots (Stable Diffusion values)', () => {
    const schedule = createNoiseSchedule(parse({ beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 }));
    expect(schedule.betas[0]).toBeCloseTo(0.00085, 15);
    expect(schedule.betas[500]).toBeCloseTo(0.00481495414171188, 15);
    expect(schedule.betas[999]).toBeCloseTo(0.012, 15);
    expect(schedule.alphaBar(999)).toBeCloseTo(0.004660098513077238, 12);
  });

  test('squaredcos_cap_v2 follows the cosine ᾱ and caps the last betas at 0.999', () => {
    const schedule = createNoiseSchedule(parse({ beta_schedule: 'squaredcos_cap_v2' }));
    expect(schedule.betas[0]).toBeCloseTo(4.128422482196914e-5, 15);
    expect(schedule.betas[500]).toBeCloseTo(0.003155691441585007, 15);
    expect(schedule.betas[998]).toBeCloseTo(0.7499993929011166, 12);
    expect(schedule.betas[999]).toBe(0.999);
    expect(schedule.alphaBar(500)).toBeCloseTo(0.49228517244880304, 12);
  });

  test('ᾱ before the first step is 1 and a timestep past the schedule is refused', () => {
    const schedule = createNoiseSchedule(parse({ num_train_timesteps: 10 }));
    expect(schedule.alphaBar(-1)).toBe(1);
    expect(() => schedule.alphaBar(10)).toThrow(/outside the schedule's 0…9/);
  });

  test('trained_betas win over the named schedule and must have one beta per timestep', () => {
    const schedule = createNoiseSchedule(parse({ num_train_timesteps: 3, trained_betas: [0.1, 0.2, 0.3] }));
    expect(schedule.alphaBar(2)).toBeCloseTo(0.9 * 0.8 * 0.7, 15);
    try {
      createNoiseSchedule(parse({ num_train_timesteps: 4, trained_betas: [0.1, 0.2, 0.3] }));
      expect.unreachable();
    } catch (error) {
      expect(isMiaError(error, 'model.bad-scheduler')).toBe(true);
    }
  });

  test('prediction_type comes from scheduler.json unless the model configuration overrides it', () => {
    expect(createNoiseSchedule(parse({ prediction_type: 'v_prediction' })).predictionType).toBe('v_prediction');
    expect(createNoiseSchedule(parse({ prediction_type: 'v_prediction' }), 'epsilon').predictionType).toBe('epsilon');
    expect(() => parse({ beta_schedule: 'sigmoid' })).toThrow(/beta_schedule/);
  });
});
