// Dispatches a task received by the engine host to the job that knows it. Tasks are validated here, at the
// process boundary, before any work starts.
import { z } from 'zod';
import { parseWith } from '../../common/parse';
import { runAttackJob } from './attack-job';
import type { JobContext } from './job-context';

export const Task = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ping'), echo: z.string() }),
  // The attack task is parsed in full by the attack job; here only its kind is checked.
  z.looseObject({ kind: z.literal('attack') }),
]);
export type Task = z.infer<typeof Task>;

export async function runTask(raw: unknown, ctx: JobContext): Promise<unknown> {
  const task = parseWith(Task, raw, 'Engine task', 'engine.bad-task');
  switch (task.kind) {
    case 'ping':
      ctx.progress('ping', 1, 1, 'messages');
      return { echo: task.echo, pid: process.pid };
    case 'attack':
      return runAttackJob(task, ctx);
  }
}
