// The engine client parses everything the host sends. The real host never sends a malformed result, so these tests
// stand an in-process connection in for the host process and send what a broken or mismatched host could.
import { describe, expect, it } from 'vitest';
import type { EngineTask } from '../../../src-main/engine/jobs/engine-task';
import { createEngineClient } from '../../../src-main/host/engine-client';
import type { HostConnection, ParentMessage } from '../../../src-main/host/protocol';

/** A host that answers every start with what `answer` returns for it. */
function scriptedHost(answer: (start: Extract<ParentMessage, { type: 'start' }>) => unknown[]) {
  const listeners: ((message: unknown) => void)[] = [];
  const connection: HostConnection = {
    pid: 1,
    send(message) {
      if (message.type !== 'start') return;
      // Answer after the client has registered the job, as a real process would.
      queueMicrotask(() => answer(message).forEach((reply) => listeners.forEach((listener) => listener(reply))));
    },
    onMessage: (listener) => listeners.push(listener),
    onExit: () => undefined,
    kill: () => undefined,
  };
  return createEngineClient(() => connection);
}

const attackTask: EngineTask = {
  kind: 'attack',
  runId: 1,
  attack: 'loss',
  params: {},
  seed: 1,
  target: { id: 1, name: 't', kind: 'classifier', files: {}, config: {}, sha256: 'x', trainedOn: null },
  records: [],
  references: [],
  shadows: [],
  nullModel: null,
};

const goodResult = {
  kind: 'attack',
  recordIds: Int32Array.from([1, 2]),
  scores: Float64Array.from([0.25, 0.75]),
  modelCalls: 2,
  notes: [],
  metrics: [],
  checks: [],
  timings: { totalMs: 1 },
  executionProvider: 'cpu',
};

describe('engine client', () => {
  it('resolves an attack job with its typed result', async () => {
    const engine = scriptedHost(({ jobId }) => [{ type: 'result', jobId, result: goodResult }]);
    const result = await engine.run(attackTask).done;
    expect(result.scores).toBeInstanceOf(Float64Array);
    expect(Array.from(result.scores)).toEqual([0.25, 0.75]);
  });

  it('fails the job with engine.bad-result, naming the field, when scores arrive as a plain list', async () => {
    const engine = scriptedHost(({ jobId }) => [{ type: 'result', jobId, result: { ...goodResult, scores: [0.25, 0.75] } }]);
    await expect(engine.run(attackTask).done).rejects.toMatchObject({
      code: 'engine.bad-result',
      message: expect.stringContaining('result.scores'),
    });
  });

  it('fails the job with engine.bad-result when the result is of another kind than its task', async () => {
    const engine = scriptedHost(({ jobId }) => [{ type: 'result', jobId, result: { kind: 'ping', echo: 'x', pid: 2 } }]);
    await expect(engine.run(attackTask).done).rejects.toMatchObject({
      code: 'engine.bad-result',
      message: expect.stringContaining('ping result'),
    });
  });

  it('drops a malformed progress message and still ends the job by its result', async () => {
    const seen: string[] = [];
    const engine = scriptedHost(({ jobId }) => [
      { type: 'progress', jobId, phase: 'target', done: -1, total: 4, unit: 'model calls' },
      { type: 'progress', jobId, phase: 'target', done: 2, total: 4, unit: 'model calls' },
      { type: 'result', jobId, result: { kind: 'ping', echo: 'y', pid: 2 } },
    ]);
    const result = await engine.run({ kind: 'ping', echo: 'y' }, { onProgress: (p) => seen.push(`${p.done}/${p.total}`) }).done;
    expect(result.echo).toBe('y');
    expect(seen).toEqual(['2/4']);
  });
});
