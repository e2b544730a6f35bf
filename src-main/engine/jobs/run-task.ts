// Dispatches a task received by the engine host to the job that knows it. Tasks are validated here, at the
// process boundary, before any work starts.
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import { runAttackJob } from './attack-job';
import type { JobContext } from './job-context';

export const Task = z.discriminatedUnion('kind', [
  // holdMs keeps the host busy, silent and cancellable for a while: the tests of its lifetime and of cancel use it.
  z.object({ kind: z.literal('ping'), echo: z.string(), holdMs: z.number().int().min(0).max(600_000).optional() }),
  // The attack task is parsed in full by the attack job; here only its kind is checked.
  z.looseObject({ kind: z.literal('attack') }),
]);
export type Task = z.infer<typeof Task>;

export async function runTask(raw: unknown, ctx: JobContext): Promise<unknown> {
  const task = parseWith(Task, raw, 'Engine task', 'engine.bad-task');
  switch (task.kind) {
    case 'ping':
      if (task.holdMs) await hold(task.holdMs, ctx.signal);
      ctx.progress('ping', 1, 1, 'messages');
      return { echo: task.echo, pid: process.pid };
    case 'attack':
      return runAttackJob(task, ctx);
  }
}

function hold(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new MiaError('job.cancelled', 'The job was cancelled.'));
    }, { once: true });
  });
}
