// The engine host as a real child process (out/main/engine-host.js, built by `npm run build`) receiving an attack
// task's records in chunks: it refuses, for the job concerned, chunks that do not add up, a chunk for a job it was
// never told of and a malformed chunk, and forgets a job cancelled while its records were still arriving.
import { fork } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultEngineHostEntry } from '../../src-main/host/fork-host';

const target = { id: 1, name: 'target', kind: 'classifier', files: {}, config: {}, sha256: 'x', trainedOn: null };
const task = {
  kind: 'attack',
  runId: 1,
  attack: 'loss',
  params: {},
  seed: 1,
  target,
  records: [],
  references: [],
  shadows: [],
  nullModel: null,
};
const record = (id: number) => ({
  id,
  key: String(id),
  path: 'images-idx3-ubyte',
  sourceIndex: id - 1,
  sha256: 'ab'.repeat(32),
  label: 1,
  caption: null,
  member: 1,
  role: 'audit',
  sourceKind: 'idx',
});

/** Starts a host, sends it these raw messages once it is ready, and returns its first answer (or times out). */
function firstAnswer(messages: object[]): Promise<{ type: string; jobId: string; error?: { code: string; message: string } }> {
  const child = fork(defaultEngineHostEntry(), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<{ type: string; jobId: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('message', (answer: { type: string; jobId: string }) => {
      if (answer.type === 'ready') messages.forEach((message) => child.send(message));
      else if (answer.type !== 'progress' && answer.type !== 'log') resolve(answer);
    });
  }).finally(() => child.kill('SIGKILL'));
}

describe('engine host, records in chunks', () => {
  it('refuses a chunk for a job it has no task for', async () => {
    const answer = await firstAnswer([{ type: 'records', jobId: 'ghost', records: [record(1)], last: true }]);
    expect(answer).toMatchObject({
      type: 'error',
      jobId: 'ghost',
      error: { code: 'engine.bad-task', message: expect.stringContaining('no task waiting') },
    });
  });

  it('refuses chunks that bring more records than the task announced', async () => {
    const answer = await firstAnswer([
      { type: 'start', jobId: 'j', task, recordCount: 2 },
      { type: 'records', jobId: 'j', records: [record(1), record(2)], last: false },
      { type: 'records', jobId: 'j', records: [record(3)], last: true },
    ]);
    expect(answer).toMatchObject({
      type: 'error',
      jobId: 'j',
      error: { code: 'engine.bad-task', message: expect.stringContaining('announced 2 records') },
    });
  });

  it('refuses to start a task before all its records have arrived', async () => {
    const answer = await firstAnswer([
      { type: 'start', jobId: 'j', task, recordCount: 3 },
      { type: 'records', jobId: 'j', records: [record(1)], last: true },
    ]);
    expect(answer).toMatchObject({
      type: 'error',
      jobId: 'j',
      error: { code: 'engine.bad-task', message: expect.stringContaining('after 1 of the 3 records') },
    });
  });

  it('refuses a malformed chunk, naming the record and field, and forgets its job', async () => {
    const answer = await firstAnswer([
      { type: 'start', jobId: 'j', task, recordCount: 2 },
      { type: 'records', jobId: 'j', records: [record(1), { ...record(2), member: 7 }], last: true },
    ]);
    expect(answer).toMatchObject({
      type: 'error',
      jobId: 'j',
      error: { code: 'engine.bad-task', message: expect.stringContaining('records.1.member') },
    });
  });

  it('answers a cancel of a job still waiting for its records with job.cancelled', async () => {
    const answer = await firstAnswer([
      { type: 'start', jobId: 'j', task, recordCount: 2 },
      { type: 'cancel', jobId: 'j' },
      { type: 'records', jobId: 'j', records: [record(1), record(2)], last: true },
    ]);
    expect(answer).toMatchObject({ type: 'error', jobId: 'j', error: { code: 'job.cancelled' } });
  });

  it('runs the task once its last chunk has brought every record announced', async () => {
    // The target has no files, so the run fails where it opens the model, after the records were accepted.
    const answer = await firstAnswer([
      { type: 'start', jobId: 'j', task, recordCount: 2 },
      { type: 'records', jobId: 'j', records: [record(1)], last: false },
      { type: 'records', jobId: 'j', records: [record(2)], last: true },
    ]);
    expect(answer.jobId).toBe('j');
    expect(answer.error?.code).not.toBe('engine.bad-task');
  });
});
