import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMiaError } from '../../src-main/common/errors';
import { cifarInterleave } from '../../src-main/engine/data/cifar';
import { createPixelLoader, loadPixels } from '../../src-main/engine/data/load-pixels';
import { importDataset } from '../../src-main/services/dataset-import';
import { listDatasets } from '../../src-main/workspace/datasets-repo';
import { openWorkspace, type WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { countRecords, getThumbnail, listRecordsForAttack, listRecordsPage } from '../../src-main/workspace/records-repo';
import { makeCsvDataset, makeTempDir, patternPixels, writeCifarBatch, writeIdxPair, writeImage } from '../fixtures/datasets/build-fixtures';

let dir: string;
let db: WorkspaceDb;

beforeEach(() => {
  dir = makeTempDir('import');
  db = openWorkspace(path.join(dir, 'workspace.sqlite'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isMiaError(error) ? error.code : `not a MiaError: ${String(error)}`;
  }
  return 'resolved';
}

describe('importing a CSV manifest', () => {
  it('stores every row with its label, caption, membership, role, size, hash and a decodable thumbnail', async () => {
    const data = path.join(dir, 'data');
    const { manifest, rows } = await makeCsvDataset(data, 4);
    const progress: number[] = [];
    const result = await importDataset(db, {
      kind: 'manifest-csv',
      path: manifest,
      name: 'Demo',
      onProgress: (p) => progress.push(p.done),
    });

    expect(result.dataset).toMatchObject({
      name: 'Demo',
      sourceKind: 'manifest-csv',
      recordCount: 4,
      classNames: null,
      roleCounts: { audit: 3, calibration: 1 },
    });
    expect(result.counts.byLabel).toEqual([
      { label: 0, count: 2 },
      { label: 1, count: 1 },
      { label: 2, count: 1 },
    ]);
    expect(progress.at(-1)).toBe(4);
    expect(listDatasets(db).map((d) => d.id)).toEqual([result.dataset.id]);

    const records = listRecordsForAttack(db, result.dataset.id);
    expect(records.map((r) => r.key)).toEqual(rows.map((r) => r.id));
    const first = records[0]!;
    expect(first).toMatchObject({
      label: 0,
      caption: 'picture, number "0"',
      member: 1,
      role: 'audit',
      width: 28,
      height: 28,
      channels: 1,
      sourceIndex: null,
    });
    expect(first.path).toBe(path.join(fs.realpathSync(data), 'images', 'img_0.png'));
    expect(first.sha256).toBe(createHash('sha256').update(fs.readFileSync(first.path)).digest('hex'));
    expect(records[1]!.member).toBe(0);

    const thumbnail = await sharp(getThumbnail(db, first.id)).metadata();
    expect([thumbnail.format, thumbnail.width, thumbnail.height]).toEqual(['png', 28, 28]);
  });

  it('imports JPEG and WebP files, shrinks their thumbnails to 64 px and keeps RGB channel counts', async () => {
    const data = path.join(dir, 'data');
    await writeImage(path.join(data, 'a.jpg'), 'jpeg', 200, 100, 3, 1);
    await writeImage(path.join(data, 'b.webp'), 'webp', 50, 120, 3, 2);
    fs.writeFileSync(path.join(data, 'm.csv'), 'id,path\na,a.jpg\nb,b.webp\n');
    const result = await importDataset(db, {
      kind: 'manifest-csv',
      path: path.join(data, 'm.csv'),
      defaultRole: 'population',
      defaultMember: 0,
    });
    const records = listRecordsForAttack(db, result.dataset.id);
    expect(records.map((r) => [r.width, r.height, r.channels, r.role, r.member, r.label])).toEqual([
      [200, 100, 3, 'population', 0, null],
      [50, 120, 3, 'population', 0, null],
    ]);
    const sizes = await Promise.all(records.map(async (r) => (await sharp(getThumbnail(db, r.id)).metadata()).width));
    expect(sizes).toEqual([64, 27]);
  });

  it('loads the pixels of a PNG record exactly as written, and refuses the file once it changed or vanished', async () => {
    const data = path.join(dir, 'data');
    const { manifest } = await makeCsvDataset(data, 2);
    const result = await importDataset(db, { kind: 'manifest-csv', path: manifest });
    const [record] = listRecordsForAttack(db, result.dataset.id, ['audit']);
    const pixels = await loadPixels(record!);
    expect([pixels.width, pixels.height, pixels.channels]).toEqual([28, 28, 1]);
    expect(Buffer.compare(Buffer.from(pixels.data), patternPixels(28, 28, 1, 1))).toBe(0);

    await writeImage(record!.path, 'png', 28, 28, 1, 99);
    expect(await rejectionCode(loadPixels(record!))).toBe('dataset.file-changed');
    fs.rmSync(record!.path);
    expect(await rejectionCode(loadPixels(record!))).toBe('dataset.file-missing');
  });
});

describe('importing a JSONL manifest', () => {
  it('maps class-name labels to indices in sorted order and stores the class names', async () => {
    const data = path.join(dir, 'data');
    await writeImage(path.join(data, 'x.png'), 'png', 8, 8, 3, 1);
    await writeImage(path.join(data, 'y.png'), 'png', 8, 8, 3, 2);
    await writeImage(path.join(data, 'z.png'), 'png', 8, 8, 3, 3);
    const lines = [
      { id: 1, path: 'x.png', label: 'zebra', caption: 'a zebra', member: 1, role: 'aux' },
      { id: 'two', path: 'y.png', label: 'ant', member: null },
      { id: 'three', path: 'z.png', label: 'zebra', member: '0' },
    ];
    fs.writeFileSync(path.join(data, 'm.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
    const result = await importDataset(db, { kind: 'manifest-jsonl', path: path.join(data, 'm.jsonl') });
    expect(result.dataset.classNames).toEqual(['ant', 'zebra']);
    const records = listRecordsForAttack(db, result.dataset.id);
    expect(records.map((r) => [r.key, r.label, r.member, r.role, r.caption])).toEqual([
      ['1', 1, 1, 'aux', 'a zebra'],
      ['two', 0, null, 'audit', null],
      ['three', 1, 0, 'audit', null],
    ]);
  });
});

describe('importing an ImageFolder tree', () => {
  it('numbers classes by sorted folder name, applies the default role and membership, and lists skipped files', async () => {
    const root = path.join(dir, 'tree');
    await writeImage(path.join(root, 'dog', '2.png'), 'png', 10, 10, 3, 1);
    await writeImage(path.join(root, 'dog', '1.jpg'), 'jpeg', 10, 10, 3, 2);
    await writeImage(path.join(root, 'cat', 'a.webp'), 'webp', 10, 10, 3, 3);
    fs.writeFileSync(path.join(root, 'README.txt'), 'not an image');
    fs.writeFileSync(path.join(root, 'cat', 'notes.txt'), 'not an image');
    fs.writeFileSync(path.join(root, 'cat', '.DS_Store'), 'hidden');
    const result = await importDataset(db, { kind: 'imagefolder', path: root, defaultRole: 'nonmember-reference', defaultMember: 0 });
    expect(result.dataset.classNames).toEqual(['cat', 'dog']);
    expect(result.skipped.sort()).toEqual(['README.txt', 'cat/notes.txt']);
    const records = listRecordsForAttack(db, result.dataset.id);
    expect(records.map((r) => [r.key, r.label, r.role, r.member])).toEqual([
      ['cat/a.webp', 0, 'nonmember-reference', 0],
      ['dog/1.jpg', 1, 'nonmember-reference', 0],
      ['dog/2.png', 1, 'nonmember-reference', 0],
    ]);
  });
});

describe('importing IDX files', () => {
  for (const gzip of [false, true]) {
    it(`imports ${gzip ? 'gzip-compressed' : 'plain'} IDX images with labels across several batches and loads their pixels back`, async () => {
      const { images, labels } = writeIdxPair(dir, 1203, { gzip });
      const result = await importDataset(db, { kind: 'idx', path: images, labelsPath: labels, defaultRole: 'pool' });
      expect(result.dataset.recordCount).toBe(1203);
      expect(result.counts.byRole).toEqual({ pool: 1203 });
      const records = listRecordsForAttack(db, result.dataset.id);
      const last = records[1202]!;
      expect(last).toMatchObject({
        key: '1202',
        sourceIndex: 1202,
        label: 1202 % 10,
        width: 28,
        height: 28,
        channels: 1,
        sourceKind: 'idx',
      });
      expect(last.path).toBe(path.join(fs.realpathSync(dir), path.basename(images)));
      const loader = createPixelLoader();
      const pixels = await loader.load(last);
      expect(Buffer.compare(Buffer.from(pixels.data), patternPixels(28, 28, 1, 1203))).toBe(0);
      // Loading through a RunRecord-like value without the source kind still finds the IDX layout.
      const again = await loader.load({ path: last.path, sourceIndex: 5, sha256: records[5]!.sha256 });
      expect(Buffer.compare(Buffer.from(again.data), patternPixels(28, 28, 1, 6))).toBe(0);
      expect(await rejectionCode(loader.load({ ...last, sha256: records[0]!.sha256 }))).toBe('dataset.file-changed');
    });
  }
});

describe('importing CIFAR batches', () => {
  it('imports a CIFAR-10 batch with its labels, thumbnails and interleaved pixels', async () => {
    const file = path.join(dir, 'data_batch_1.bin');
    const planes = writeCifarBatch(file, 12, 'cifar-10');
    fs.writeFileSync(path.join(dir, 'batches.meta.txt'), 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
    const result = await importDataset(db, { kind: 'cifar', path: file });
    expect(result.dataset.classNames?.[9]).toBe('truck');
    const records = listRecordsForAttack(db, result.dataset.id);
    expect(records.map((r) => r.label)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(records[3]!.sha256).toBe(createHash('sha256').update(planes[3]!).digest('hex'));
    const pixels = await loadPixels(records[3]!);
    expect([pixels.width, pixels.height, pixels.channels]).toEqual([32, 32, 3]);
    expect(Buffer.compare(Buffer.from(pixels.data), Buffer.from(cifarInterleave(planes[3]!)))).toBe(0);
    const thumb = await sharp(getThumbnail(db, records[3]!.id)).raw().toBuffer();
    expect(Buffer.compare(thumb, Buffer.from(cifarInterleave(planes[3]!)))).toBe(0);

    const changed = fs.readFileSync(file);
    changed[3 * 3073 + 100] = (changed[3 * 3073 + 100]! + 1) % 256;
    fs.writeFileSync(file, changed);
    expect(await rejectionCode(loadPixels(records[3]!))).toBe('dataset.file-changed');
    expect(await loadPixels(records[4]!)).toBeTruthy();
  });

  it('uses the fine label of CIFAR-100 records', async () => {
    const file = path.join(dir, 'train.bin');
    writeCifarBatch(file, 5, 'cifar-100');
    const result = await importDataset(db, { kind: 'cifar', path: file, cifarVariant: 'cifar-100' });
    expect(listRecordsForAttack(db, result.dataset.id).map((r) => r.label)).toEqual([0, 7, 14, 21, 28]);
    expect(result.dataset.classNames).toBeNull();
  });
});

describe('reading records for the UI', () => {
  it('pages records with role, label and membership filters and counts them', async () => {
    const { manifest } = await makeCsvDataset(path.join(dir, 'data'), 7);
    const { dataset } = await importDataset(db, { kind: 'manifest-csv', path: manifest });
    const page = listRecordsPage(db, { datasetId: dataset.id, offset: 1, limit: 2, role: 'audit', withThumbnails: true });
    expect(page.total).toBe(6);
    expect(page.items.map((i) => i.key)).toEqual(['r1', 'r2']);
    expect(page.items[0]!.thumbnail?.subarray(1, 4).toString()).toBe('PNG');
    expect(listRecordsPage(db, { datasetId: dataset.id, label: 0, member: 1 }).items.map((i) => i.key)).toEqual(['r0', 'r6']);
    expect(listRecordsPage(db, { datasetId: dataset.id, label: null }).total).toBe(0);
    expect(listRecordsPage(db, { datasetId: dataset.id }).items[0]!.thumbnail).toBeUndefined();
    const counts = countRecords(db, dataset.id);
    expect(counts).toMatchObject({ total: 7, byRole: { audit: 6, calibration: 1 } });
    expect(counts.byMember).toEqual([
      { member: 0, count: 3 },
      { member: 1, count: 4 },
    ]);
  });
});

const demoManifest = path.resolve(__dirname, '../../resources/demo/classifier/manifest.csv');

describe('the demo kit', () => {
  it('imports all 4,600 records of resources/demo/classifier/manifest.csv', async () => {
    const result = await importDataset(db, { kind: 'manifest-csv', path: demoManifest });
    expect(result.dataset.recordCount).toBe(4600);
    const records = listRecordsForAttack(db, result.dataset.id);
    const pixels = await loadPixels(records[0]!);
    expect(pixels.data.length).toBe(pixels.width * pixels.height * pixels.channels);
  });
});
