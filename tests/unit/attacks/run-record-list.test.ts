// An attack task's records are checked where they arrive but not copied: the same objects come out, strings that
// repeat from record to record are shared, and a bad record is refused naming its position and field.
import { describe, expect, it } from 'vitest';
import { RunRecordList } from '../../../src-main/engine/attacks/run-record-list';

const record = (id: number) => ({
  id,
  key: String(id),
  path: ['', 'data', 'images-idx3-ubyte'].join('/'),
  sourceIndex: id - 1,
  sha256: 'ab'.repeat(32),
  label: id % 10,
  caption: null,
  member: (id % 2) as 0 | 1,
  role: id % 5 === 0 ? 'calibration' : 'audit',
  sourceKind: 'idx' as const,
});

describe('RunRecordList', () => {
  it('returns the records that arrived, unchanged in value and order', () => {
    const arrived = Array.from({ length: 50 }, (_, i) => record(i + 1));
    const expected = structuredClone(arrived);
    const parsed = RunRecordList.parse(arrived);
    expect(parsed.length).toBe(50);
    parsed.forEach((r, i) => expect(r).toBe(arrived[i]));
    expect(parsed).toEqual(expected);
  });

  it('refuses a record that does not fit, naming its position and field', () => {
    const arrived: unknown[] = [record(1), record(2), { ...record(3), member: 2 }];
    const result = RunRecordList.safeParse(arrived);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual([2, 'member']);
    expect(RunRecordList.safeParse([record(1), { ...record(2), sha256: undefined }]).error!.issues[0]!.path).toEqual([1, 'sha256']);
  });
});
