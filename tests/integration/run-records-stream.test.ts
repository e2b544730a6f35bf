// A run's records are read from SQLite one row at a time: the same records, fields and order as the list read, the
// role filter applied, and an unready dataset refused before any record.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMiaError } from '../../src-main/common/errors';
import { importDataset } from '../../src-main/services/dataset-import';
import { readRunRecords, recordsHash } from '../../src-main/services/run-inputs';
import { openWorkspace, type WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { eachRecordForAttack, listRecordsForAttack } from '../../src-main/workspace/records-repo';
import { makeTempDir, writeIdxPair } from '../fixtures/datasets/build-fixtures';

let dir: string;
let db: WorkspaceDb;

beforeEach(() => {
  dir = makeTempDir('run-records');
  db = openWorkspace(path.join(dir, 'workspace.sqlite'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('reading a run’s records row by row', () => {
  it('gives the records of the list read, in id order, and the run records and pin built from them', async () => {
    const { images, labels } = writeIdxPair(dir, 1203);
    const { dataset } = await importDataset(db, { kind: 'idx', path: images, labelsPath: labels });
    db.prepare("UPDATE records SET role = 'calibration', member = source_index % 2 WHERE source_index % 5 = 0").run();
    const listed = listRecordsForAttack(db, dataset.id);
    expect(Array.from(eachRecordForAttack(db, dataset.id))).toEqual(listed);
    expect(listed.map((r) => r.sourceIndex)).toEqual(Array.from({ length: 1203 }, (_, i) => i));
    expect(Array.from(eachRecordForAttack(db, dataset.id, ['calibration'])).map((r) => r.sourceIndex)).toEqual(
      Array.from({ length: 241 }, (_, i) => 5 * i),
    );
    const run = readRunRecords(db, dataset.id);
    expect(run).toEqual(listed.map(({ width: _w, height: _h, channels: _c, ...rest }) => ({ ...rest })));
    // The pin is the hash of "key:sha256:label:member:role" lines, each ending in a newline.
    const lines = listed.map((r) => `${r.key}:${r.sha256}:${r.label ?? ''}:${r.member ?? ''}:${r.role}\n`).join('');
    expect(recordsHash(run)).toBe(createHash('sha256').update(lines).digest('hex'));
  });

  it('refuses a dataset that does not exist before yielding anything', () => {
    let code = '';
    try {
      eachRecordForAttack(db, 42).next();
    } catch (error) {
      code = isMiaError(error) ? error.code : String(error);
    }
    expect(code).toMatch(/^dataset\./);
  });
});
