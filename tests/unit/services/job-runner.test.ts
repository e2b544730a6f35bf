// The job runner that runs and training jobs share: it finds, stops and waits for live jobs by kind and id, and
// forgets a job once its execution settles. Jobs here are plain promises the test settles itself.
import { describe, expect, it } from 'vitest';
import type { TrainingJobSummary } from '../../../src-shared/domain/training';
import { createJobRunner } from '../../../src-main/services/job-runner';

/** A job whose execution the test settles, counting how often it was stopped. */
function controllableJob() {
  let settle!: () => void;
  let fail!: (error: unknown) => void;
  const execution = new Promise<void>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const job = { stops: 0, stop: () => void job.stops++ };
  return { job, execution, settle, fail };
}

const summary = { id: 7, status: 'running' } as TrainingJobSummary;

describe('job runner', () => {
  it('finds and stops a live job by kind and id, and forgets it once its execution settles', async () => {
    const runner = createJobRunner();
    const run = controllableJob();
    runner.track('run', 7, run.job, run.execution);
    expect(runner.find('run', 7)).toBe(run.job);
    // The same id of the other kind is another job.
    expect(runner.find('training', 7)).toBeUndefined();
    expect(runner.stop('training', 7)).toBe(false);
    expect(run.job.stops).toBe(0);
    expect(runner.stop('run', 7)).toBe(true);
    expect(run.job.stops).toBe(1);
    run.settle();
    await runner.idle();
    expect(runner.find('run', 7)).toBeUndefined();
    expect(runner.stop('run', 7)).toBe(false);
  });

  it('idle() waits for every kind, and for jobs started while it waits', async () => {
    const runner = createJobRunner();
    const run = controllableJob();
    const training = controllableJob();
    const late = controllableJob();
    runner.track('run', 1, run.job, run.execution);
    runner.track('training', 1, { ...training.job, summary }, training.execution);
    let idle = false;
    const waiting = runner.idle().then(() => (idle = true));
    run.settle();
    runner.track('run', 2, late.job, late.execution);
    training.settle();
    await Promise.resolve(run.execution);
    await Promise.resolve(training.execution);
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false); // run 2 is still live
    late.settle();
    await waiting;
    expect(idle).toBe(true);
  });

  it('idle(kind) waits only for jobs of that kind', async () => {
    const runner = createJobRunner();
    const run = controllableJob();
    const training = controllableJob();
    runner.track('run', 1, run.job, run.execution);
    runner.track('training', 1, { ...training.job, summary }, training.execution);
    training.settle();
    await runner.idle('training'); // would never resolve if it waited for the run
    expect(runner.find('run', 1)).toBe(run.job);
    run.settle();
    await runner.idle();
  });

  it('stopAll() stops every live job of every kind', async () => {
    const runner = createJobRunner();
    const runs = [controllableJob(), controllableJob()];
    const training = controllableJob();
    runs.forEach((run, index) => runner.track('run', index + 1, run.job, run.execution));
    runner.track('training', 3, { ...training.job, summary }, training.execution);
    runner.stopAll();
    expect(runs.map((run) => run.job.stops)).toEqual([1, 1]);
    expect(training.job.stops).toBe(1);
    runs.forEach((run) => run.settle());
    training.settle();
    await runner.idle();
  });

  it('a job whose execution rejects is forgotten and does not make idle() reject', async () => {
    const runner = createJobRunner();
    const run = controllableJob();
    runner.track('run', 5, run.job, run.execution);
    const errors: unknown[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.join(' '));
    try {
      run.fail(new Error('a bug in the outcome path'));
      await expect(runner.idle()).resolves.toBeUndefined();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      console.error = consoleError;
    }
    expect(runner.find('run', 5)).toBeUndefined();
    expect(errors).toEqual([expect.stringContaining('run job 5')]);
  });
});
