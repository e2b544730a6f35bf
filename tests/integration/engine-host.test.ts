// The engine host as a real child process, built by `npm run build` (out/main/engine-host.js).
import { afterAll, describe, expect, it } from 'vitest';
import { createEngineClient } from '../../src-main/host/engine-client';
import { forkHostSpawner } from '../../src-main/host/fork-host';
import { isMiaError } from '../../src-main/common/errors';

const engine = createEngineClient(forkHostSpawner());
afterAll(() => engine.dispose());

describe('engine host process', () => {
  it('runs a job in a separate process and reports progress', async () => {
    const phases: string[] = [];
    const { done } = engine.run({ kind: 'ping', echo: 'hello' }, { onProgress: (p) => phases.push(p.phase) });
    const result = (await done) as { echo: string; pid: number };
    expect(result.echo).toBe('hello');
    expect(result.pid).not.toBe(process.pid);
    expect(phases).toEqual(['ping']);
  });

  it('refuses a malformed task with an error naming what is wrong', async () => {
    const { done } = engine.run({ kind: 'format-disk' });
    await expect(done).rejects.toSatisfy((error: unknown) => isMiaError(error, 'engine.bad-task'));
  });

  it('starts a fresh host after the previous one was killed', async () => {
    await engine.run({ kind: 'ping', echo: 'a' }).done;
    const first = engine.hostPid();
    expect(first).toBeDefined();
    process.kill(first!, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = (await engine.run({ kind: 'ping', echo: 'b' }).done) as { pid: number };
    expect(result.pid).not.toBe(first);
  });
});
