// A plain (uncompressed) IDX container is read record by record at its offset, never whole, so a million-record file
// costs a run no more memory than a small one; gzip containers are still unpacked once. Both give the same pixels.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMiaError } from '../../src-main/common/errors';
import { createPixelLoader } from '../../src-main/engine/data/load-pixels';
import { importDataset } from '../../src-main/services/dataset-import';
import { openWorkspace } from '../../src-main/workspace/open-workspace';
import { listRecordsForAttack } from '../../src-main/workspace/records-repo';
import { makeTempDir, patternPixels, writeIdxPair } from '../fixtures/datasets/build-fixtures';

let dir: string;

beforeEach(() => {
  dir = makeTempDir('range-reads');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isMiaError(error) ? error.code : `not a MiaError: ${String(error)}`;
  }
  return 'resolved';
}

async function importedRecords(gzip: boolean, count: number) {
  const folder = path.join(dir, gzip ? 'gzip' : 'plain');
  fs.mkdirSync(folder);
  const files = writeIdxPair(folder, count, { gzip });
  const db = openWorkspace(path.join(folder, 'workspace.sqlite'));
  try {
    const { dataset } = await importDataset(db, { kind: 'idx', path: files.images, labelsPath: files.labels });
    return { images: files.images, records: listRecordsForAttack(db, dataset.id) };
  } finally {
    db.close();
  }
}

describe('loading IDX records by range', () => {
  it('loads every record of a plain IDX file exactly as its gzip twin does, in the same order', async () => {
    const plain = await importedRecords(false, 257);
    const gzip = await importedRecords(true, 257);
    const plainLoader = createPixelLoader();
    const gzipLoader = createPixelLoader();
    for (let i = 0; i < 257; i++) {
      const fromPlain = await plainLoader.load(plain.records[i]!);
      const fromGzip = await gzipLoader.load(gzip.records[i]!);
      expect(fromPlain).toEqual(fromGzip);
      expect(Buffer.compare(Buffer.from(fromPlain.data), patternPixels(28, 28, 1, i + 1))).toBe(0);
    }
  });

  it('reads one record of a 3 GB plain IDX file at its offset instead of reading the file whole', async () => {
    // A sparse file: a header for 4,000,000 images of 28 × 28, the first image written, the rest zeros. Reading it
    // whole would need a 3 GB buffer (more than Node reads into one); a range read needs 784 bytes.
    const count = 4_000_000;
    const file = path.join(dir, 'huge-idx3-ubyte');
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x00000803, 0);
    header.writeUInt32BE(count, 4);
    header.writeUInt32BE(28, 8);
    header.writeUInt32BE(28, 12);
    const first = patternPixels(28, 28, 1, 7);
    fs.writeFileSync(file, Buffer.concat([header, first]));
    fs.truncateSync(file, 16 + count * 784);
    const loader = createPixelLoader();
    const last = await loader.load({ path: file, sourceIndex: count - 1, sha256: sha256(new Uint8Array(784)), sourceKind: 'idx' });
    expect(last).toMatchObject({ width: 28, height: 28, channels: 1 });
    expect(last.data.every((v) => v === 0)).toBe(true);
    const firstLoaded = await loader.load({ path: file, sourceIndex: 0, sha256: sha256(first) });
    expect(Buffer.compare(Buffer.from(firstLoaded.data), first)).toBe(0);
  });

  it('refuses a record of a plain IDX file that was changed in place or cut short after it was loaded once', async () => {
    const { images, records } = await importedRecords(false, 40);
    const loader = createPixelLoader();
    await loader.load(records[30]!);
    // Same size, other bytes in record 30: the range read sees them and the hash check refuses them.
    const handle = fs.openSync(images, 'r+');
    fs.writeSync(handle, Buffer.alloc(784, 9), 0, 784, 16 + 30 * 784);
    fs.closeSync(handle);
    expect(await rejectionCode(loader.load(records[30]!))).toBe('dataset.file-changed');
    expect(await loader.load(records[29]!)).toMatchObject({ width: 28 });
    fs.truncateSync(images, 16 + 20 * 784);
    expect(await rejectionCode(loader.load(records[29]!))).toBe('dataset.file-changed');
  });
});
