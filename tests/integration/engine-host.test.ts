// The engine host as a real child process, built by `npm run build` (out/main/engine-host.js).
import { fork } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngineClient } from '../../src-main/host/engine-client';
import { defaultEngineHostEntry, forkHostSpawner } from '../../src-main/host/fork-host';

const engine = createEngineClient(forkHostSpawner());
afterAll(() => engine.dispose());

/** Sends one raw message to a freshly started host, as a parent that does not follow the protocol would, and returns the host's answer for that job. */
function answerOfRawHost(message: unknown): Promise<unknown> {
  const child = fork(defaultEngineHostEntry(), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<unknown>((resolve, reject) => {
    child.on('error', reject);
    child.on('message', (answer: { type?: string }) => {
      if (answer.type === 'ready') child.send(message as object);
      else resolve(answer);
    });
  }).finally(() => child.kill('SIGKILL'));
}

describe('engine host process', () => {
  it('runs a job in a separate process and reports progress', async () => {
    const phases: string[] = [];
    const { done } = engine.run({ kind: 'ping', echo: 'hello' }, { onProgress: (p) => phases.push(p.phase) });
    const result = await done;
    expect(result).toEqual({ kind: 'ping', echo: 'hello', pid: expect.any(Number) });
    expect(result.pid).not.toBe(process.pid);
    expect(phases).toEqual(['ping']);
  });

  it('answers a start whose task fits no task schema with engine.bad-task for that job, naming the field', async () => {
    const answer = await answerOfRawHost({ type: 'start', jobId: 'job-x', task: { kind: 'format-disk' } });
    expect(answer).toMatchObject({
      type: 'error',
      jobId: 'job-x',
      error: { code: 'engine.bad-task', message: expect.stringContaining('task.kind') },
    });
  });

  it('refuses an attack task with a malformed record list before any work starts', async () => {
    const target = { id: 1, name: 'target', kind: 'classifier', files: {}, config: {}, sha256: 'x', trainedOn: null };
    const task = {
      kind: 'attack',
      runId: 1,
      attack: 'loss',
      params: {},
      seed: 1,
      target,
      records: 'all of them',
      references: [],
      shadows: [],
      nullModel: null,
    };
    const answer = await answerOfRawHost({ type: 'start', jobId: 'job-y', task });
    expect(answer).toMatchObject({
      type: 'error',
      jobId: 'job-y',
      error: { code: 'engine.bad-task', message: expect.stringContaining('task.records') },
    });
  });

  it('starts a fresh host after the previous one was killed', async () => {
    await engine.run({ kind: 'ping', echo: 'a' }).done;
    const first = engine.hostPid();
    expect(first).toBeDefined();
    process.kill(first!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = await engine.run({ kind: 'ping', echo: 'b' }).done;
    expect(result.pid).not.toBe(first);
  });
});
