// An attack task's records cross the job protocol in chunks: the service's split and the host's assembly give back
// the same records in the same order, and the assembler refuses chunks that do not add up.
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src-main/engine/attacks/run-record';
import type { AttackTask } from '../../../src-main/engine/jobs/attack-task';
import type { ParentMessage } from '../../../src-main/host/protocol';
import { createRecordAssembler, taskMessages } from '../../../src-main/host/record-chunks';

const record = (id: number): RunRecord => ({
  id,
  key: String(id),
  path: 'images-idx3-ubyte',
  sourceIndex: id - 1,
  sha256: 'ab'.repeat(32),
  label: id % 10,
  caption: null,
  member: (id % 2) as 0 | 1,
  role: 'audit',
  sourceKind: 'idx',
});

const task = (count: number): AttackTask => ({
  kind: 'attack',
  runId: 1,
  attack: 'loss',
  params: {},
  seed: 1,
  target: { id: 1, name: 't', kind: 'classifier', files: {}, config: {}, sha256: 'x', trainedOn: null },
  records: Array.from({ length: count }, (_, i) => record(i + 1)),
  references: [],
  shadows: [],
  nullModel: null,
});

/** Feeds the messages to an assembler as the host does and returns the task it completes. */
function assemble(messages: ParentMessage[]): AttackTask | undefined {
  const assembler = createRecordAssembler();
  let done: AttackTask | undefined;
  for (const message of messages) {
    if (message.type === 'start') assembler.announce(message.jobId, message.task, message.recordCount!);
    else if (message.type === 'records') done = assembler.add(message.jobId, message.records, message.last);
  }
  return done;
}

describe('record chunks', () => {
  it('announces an attack task with its count and empty records, then sends its records in chunks, the last marked', () => {
    const messages = [...taskMessages('j', task(7), 3)];
    expect(messages[0]).toMatchObject({ type: 'start', jobId: 'j', recordCount: 7, task: { kind: 'attack', records: [] } });
    const chunks = messages.slice(1) as Extract<ParentMessage, { type: 'records' }>[];
    expect(chunks.map((m) => [m.records.length, m.last])).toEqual([
      [3, false],
      [3, false],
      [1, true],
    ]);
  });

  it('sends one empty last chunk for a task without records, and a ping as it is', () => {
    expect([...taskMessages('j', task(0), 3)].map((m) => m.type)).toEqual(['start', 'records']);
    expect([...taskMessages('p', { kind: 'ping', echo: 'x' })]).toEqual([{ type: 'start', jobId: 'p', task: { kind: 'ping', echo: 'x' } }]);
  });

  it('assembles the same records in the same order, for sizes on and off a chunk boundary', () => {
    for (const count of [0, 1, 6, 7]) {
      const original = task(count);
      const assembled = assemble([...taskMessages('j', original, 3)]);
      expect(assembled).toEqual(original);
    }
  });

  it('refuses a chunk for a job that was never announced', () => {
    expect(() => createRecordAssembler().add('nobody', [record(1)], true)).toThrow(
      expect.objectContaining({ code: 'engine.bad-task', message: expect.stringContaining('no task waiting') }),
    );
  });

  it('refuses chunks that bring more records than announced, and forgets the job', () => {
    const assembler = createRecordAssembler();
    assembler.announce('j', { ...task(0) }, 2);
    assembler.add('j', [record(1)], false);
    expect(() => assembler.add('j', [record(2), record(3)], true)).toThrow(
      expect.objectContaining({ code: 'engine.bad-task', message: expect.stringContaining('announced 2 records') }),
    );
    expect(assembler.drop('j')).toBe(false);
  });

  it('refuses a last chunk that leaves the task short of its records', () => {
    const assembler = createRecordAssembler();
    assembler.announce('j', task(0), 5);
    expect(() => assembler.add('j', [record(1), record(2)], true)).toThrow(
      expect.objectContaining({ code: 'engine.bad-task', message: expect.stringContaining('after 2 of the 5 records') }),
    );
  });

  it('refuses a record count on a task that does not take chunks, or whose records came inline', () => {
    const assembler = createRecordAssembler();
    expect(() => assembler.announce('p', { kind: 'ping', echo: 'x' }, 1)).toThrow(expect.objectContaining({ code: 'engine.bad-task' }));
    expect(() => assembler.announce('j', task(2), 2)).toThrow(
      expect.objectContaining({ code: 'engine.bad-task', message: expect.stringContaining('task.records must be empty') }),
    );
  });
});
