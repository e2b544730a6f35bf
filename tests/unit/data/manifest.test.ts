import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IssueCollector } from '../../../src-main/engine/data/import-issues';
import { readManifest } from '../../../src-main/engine/data/manifest';
import { makeTempDir } from '../../fixtures/datasets/build-fixtures';

let dir: string;
beforeEach(() => {
  dir = makeTempDir('manifest');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const defaults = { role: 'population', member: 1 } as const;

function read(
  name: string,
  text: string,
  format: 'csv' | 'jsonl' = 'csv',
): { entries: ReturnType<typeof readManifest>; issues: IssueCollector } {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const issues = new IssueCollector();
  return { entries: readManifest(file, format, defaults, issues), issues };
}

describe('readManifest', () => {
  it('uses the default membership only when the member column is absent; an empty cell means unknown', () => {
    expect(read('a.csv', 'id,path\nx,x.png\n').entries[0]).toMatchObject({ member: 1, role: 'population', label: null, caption: null });
    expect(read('b.csv', 'id,path,member,role\nx,x.png,,\n').entries[0]).toMatchObject({ member: null, role: 'population' });
  });

  it('ignores spaces around role, member and label, and a byte-order mark before the header', () => {
    const { entries, issues } = read('c.csv', '\ufeffid,path,label,member,role\nx,x.png, 3 , 0 , aux \n');
    expect(issues.count).toBe(0);
    expect(entries[0]).toMatchObject({ label: '3', member: 0, role: 'aux' });
  });

  it('accepts integer ids and numeric membership in JSONL and refuses other id types', () => {
    const { entries, issues } = read('d.jsonl', '{"id":7,"path":"a.png","member":0}\n\n{"id":1.5,"path":"b.png"}\n', 'jsonl');
    expect(entries.map((e) => [e.id, e.member])).toEqual([['7', 0]]);
    expect(issues.issues[0]).toMatchObject({ code: 'dataset.bad-id', line: 3, field: 'id' });
  });

  it('keeps collecting row problems and reports each with its line and field', () => {
    const { issues } = read('e.csv', 'id,path,member,role\n,a.png,1,audit\nb,,1,audit\nc,c.png,2,audit\nd,d.png,1,boss\n');
    expect(issues.issues.map((i) => [i.code, i.line, i.field])).toEqual([
      ['dataset.bad-id', 2, 'id'],
      ['dataset.path-empty', 3, 'path'],
      ['dataset.bad-member', 4, 'member'],
      ['dataset.unknown-role', 5, 'role'],
    ]);
  });

  it('refuses a manifest with a header and no rows', () => {
    expect(() => read('f.csv', 'id,path\n')).toThrow(/lists no records/);
  });
});
