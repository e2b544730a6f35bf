// The bench's stage timer: off unless started, exclusive time per stage when on (a nested stage is not counted again
// in its parent), and a stage left by an error still closed.
import { afterEach, describe, expect, it } from 'vitest';
import {
  stageProfileActive,
  startStageProfile,
  stopStageProfile,
  timeStage,
  timeStageAsync,
} from '../../../src-main/engine/profiling/stage-timer';

/** Keeps the thread busy for at least `ms` (a lower bound on elapsed time, whatever the machine's load). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

afterEach(() => {
  stopStageProfile();
});

describe('stage timer', () => {
  it('is off by default: work runs, its value comes back and nothing is counted', async () => {
    expect(stageProfileActive()).toBe(false);
    expect(timeStage('model', () => 7)).toBe(7);
    await expect(timeStageAsync('decode', async () => 'x')).resolves.toBe('x');
    expect(stopStageProfile()).toEqual({ decode: 0, preprocess: 0, model: 0, scoring: 0 });
  });

  it('counts a nested stage to itself only, not again to the stage around it', async () => {
    startStageProfile();
    await timeStageAsync('scoring', async () => {
      await timeStageAsync('decode', async () => {
        timeStage('preprocess', () => busy(60));
      });
      timeStage('model', () => busy(120));
    });
    const seconds = stopStageProfile();
    expect(seconds.preprocess).toBeGreaterThanOrEqual(0.06);
    expect(seconds.model).toBeGreaterThanOrEqual(0.12);
    // The decode and scoring frames did almost nothing themselves; counting their children would add 60 and 180 ms.
    expect(seconds.decode).toBeLessThan(0.05);
    expect(seconds.scoring).toBeLessThan(0.1);
  });

  it('closes a stage that throws, so the next stage is not counted inside it', async () => {
    startStageProfile();
    await expect(
      timeStageAsync('model', async () => {
        throw new Error('kernel failed');
      }),
    ).rejects.toThrow('kernel failed');
    timeStage('scoring', () => busy(80));
    const seconds = stopStageProfile();
    expect(seconds.scoring).toBeGreaterThanOrEqual(0.08);
    expect(seconds.model).toBeLessThan(0.05);
  });

  it('starts from zero each time and stops counting once stopped', () => {
    startStageProfile();
    timeStage('model', () => busy(30));
    expect(stopStageProfile().model).toBeGreaterThanOrEqual(0.03);
    timeStage('model', () => busy(30));
    startStageProfile();
    expect(stopStageProfile().model).toBe(0);
  });
});
