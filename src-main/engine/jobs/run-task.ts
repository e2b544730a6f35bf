// Dispatches a task received by the engine host to the job that knows it. The host has parsed the task with
// EngineTask at the process boundary, so every job here receives a typed task.
import { MiaError } from '../../common/errors';
import { runAttackJob } from './attack-job';
import type { EngineResult, EngineTask } from './engine-task';
import type { JobContext } from './job-context';
import { runTrainingDataJob } from './training-data-job';

export async function runTask(task: EngineTask, ctx: JobContext): Promise<EngineResult> {
  switch (task.kind) {
    case 'ping':
      if (task.holdMs) await hold(task.holdMs, ctx.signal);
      ctx.progress('ping', 1, 1, 'messages');
      return { kind: 'ping', echo: task.echo, pid: process.pid };
    case 'attack':
      return runAttackJob(task, ctx);
    case 'prepare-training-data':
      return runTrainingDataJob(task, ctx);
  }
}

function hold(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new MiaError('job.cancelled', 'The job was cancelled.'));
      },
      { once: true },
    );
  });
}
