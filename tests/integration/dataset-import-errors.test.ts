import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MiaError } from '../../src-main/common/errors';
import { importDataset, importIssuesOf, type DatasetImportRequest } from '../../src-main/services/dataset-import';
import { openWorkspace, type WorkspaceDb } from '../../src-main/workspace/open-workspace';
import {
  idxBytes,
  makeCsvDataset,
  makeTempDir,
  tableCounts,
  writeCifarBatch,
  writeCsvManifest,
  writeIdxPair,
  writeImage,
} from '../fixtures/datasets/build-fixtures';

let dir: string;
let data: string;
let db: WorkspaceDb;
let manifest: string;

beforeEach(async () => {
  dir = makeTempDir('import-errors');
  db = openWorkspace(path.join(dir, 'workspace.sqlite'));
  // A good dataset already in the workspace: a failed import must leave exactly these rows.
  data = path.join(dir, 'data');
  ({ manifest } = await makeCsvDataset(data, 3));
  await importDataset(db, { kind: 'manifest-csv', path: manifest });
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs an import that must fail; checks the code, the message and that the workspace rows did not change. */
async function expectImportError(request: DatasetImportRequest, code: string, ...messageParts: (string | RegExp)[]): Promise<MiaError> {
  const before = tableCounts(db);
  let caught: unknown;
  try {
    await importDataset(db, request);
  } catch (error) {
    caught = error;
  }
  expect(caught, 'the import should have failed').toBeInstanceOf(MiaError);
  const error = caught as MiaError;
  expect(error.code, error.message).toBe(code);
  for (const part of messageParts) expect(error.message).toMatch(part);
  expect(tableCounts(db)).toEqual(before);
  expect(db.prepare("SELECT COUNT(*) AS n FROM datasets WHERE status = 'importing'").get()).toEqual({ n: 0 });
  return error;
}

function writeManifest(lines: string[], name = 'bad.csv'): string {
  const file = path.join(data, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('broken images named in a manifest', () => {
  it('refuses a truncated PNG, naming the image file and the manifest line', async () => {
    const png = fs.readFileSync(path.join(data, 'images', 'img_0.png'));
    fs.writeFileSync(path.join(data, 'cut.png'), png.subarray(0, Math.floor(png.length * 0.6)));
    const file = writeManifest(['id,path', 'ok,images/img_1.png', 'cut,cut.png']);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.image-undecodable', /bad\.csv, line 3/, /cut\.png/);
  });

  it('refuses a zero-byte file', async () => {
    fs.writeFileSync(path.join(data, 'empty.png'), '');
    const file = writeManifest(['id,path', 'e,empty.png']);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.file-empty', /empty\.png/, /0 bytes/);
  });

  it('refuses a missing file', async () => {
    const file = writeManifest(['id,path', 'gone,images/nowhere.png']);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.file-missing', /line 2/, /nowhere\.png/);
  });

  it('refuses a file that is not an image', async () => {
    fs.writeFileSync(path.join(data, 'text.png'), 'hello, not a png');
    const file = writeManifest(['id,path', 't,text.png']);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.image-undecodable', /text\.png/);
  });

  it('refuses an image whose header claims more than 16,384 px a side, before decoding it', async () => {
    await sharp({ create: { width: 20_000, height: 1, channels: 3, background: '#000' } })
      .png()
      .toFile(path.join(data, 'wide.png'));
    const file = writeManifest(['id,path', 'w,wide.png']);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.image-too-large', /20000 × 1/);
  });

  it('lists every bad row, not just the first, and fails atomically even after a batch was written', async () => {
    const png = fs.readFileSync(path.join(data, 'images', 'img_0.png'));
    fs.writeFileSync(path.join(data, 'cut.png'), png.subarray(0, 40));
    const rows = Array.from({ length: 620 }, (_, i) => `r${i},images/img_${i % 3}.png`);
    rows[10] = 'r10,missing-a.png';
    rows[600] = 'r600,cut.png';
    rows[610] = 'r610,images/img_0.png,extra';
    const file = writeManifest(['id,path', ...rows]);
    const error = await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.csv-field-count', /2 problems/);
    expect(importIssuesOf(error).map((issue) => [issue.code, issue.line])).toEqual([
      ['dataset.csv-field-count', 612],
      ['dataset.file-missing', 12],
    ]);

    // Only a decoding problem past the first batch: records are written, then removed.
    rows[10] = 'r10,images/img_1.png';
    rows[610] = 'r610,images/img_0.png';
    writeManifest(['id,path', ...rows]);
    let recordsSeenDuringImport = 0;
    const before = tableCounts(db);
    await expect(
      importDataset(db, {
        kind: 'manifest-csv',
        path: file,
        onProgress: () => {
          recordsSeenDuringImport = Math.max(recordsSeenDuringImport, tableCounts(db).records - before.records);
        },
      }),
    ).rejects.toMatchObject({ code: 'dataset.image-undecodable', message: expect.stringMatching(/bad\.csv, line 602/) });
    expect(recordsSeenDuringImport).toBe(500);
    expect(tableCounts(db)).toEqual(before);
  });
});

describe('broken manifests', () => {
  it('refuses duplicate ids, naming both lines', async () => {
    const file = writeManifest(['id,path', 'a,images/img_0.png', 'a,images/img_1.png']);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.duplicate-id', /line 3/, /line 2/);
  });

  it('refuses a path that climbs out of the dataset folder with ..', async () => {
    fs.writeFileSync(path.join(dir, 'outside.png'), fs.readFileSync(path.join(data, 'images', 'img_0.png')));
    const file = writeManifest(['id,path', 'x,../outside.png']);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.path-outside-root', /outside the dataset folder/);
  });

  it('refuses an absolute path', async () => {
    const file = writeManifest(['id,path', `x,${path.join(data, 'images', 'img_0.png')}`]);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.path-outside-root', /absolute/);
  });

  it('refuses a symbolic link that resolves outside the dataset folder', async () => {
    fs.writeFileSync(path.join(dir, 'secret.png'), fs.readFileSync(path.join(data, 'images', 'img_0.png')));
    fs.symlinkSync(path.join(dir, 'secret.png'), path.join(data, 'link.png'));
    const file = writeManifest(['id,path', 'x,link.png']);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.path-outside-root', /link/);
  });

  it('accepts a symbolic link that stays inside the dataset folder', async () => {
    fs.symlinkSync(path.join(data, 'images', 'img_0.png'), path.join(data, 'inside-link.png'));
    const file = writeManifest(['id,path', 'x,inside-link.png']);
    const result = await importDataset(db, { kind: 'manifest-csv', path: file });
    expect(result.dataset.recordCount).toBe(1);
  });

  it('refuses an unknown role', async () => {
    const file = writeManifest(['id,path,role', 'x,images/img_0.png,shadow']);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.unknown-role', /line 2, field role/, /"shadow"/);
  });

  it('refuses a membership value other than 1, 0 or empty', async () => {
    const file = writeManifest(['id,path,member', 'x,images/img_0.png,yes']);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.bad-member', /field member/);
  });

  it('refuses an unknown column, naming it when the header is otherwise a manifest header', async () => {
    const file = writeManifest(['id,path,split', 'x,images/img_0.png,train']);
    await expectImportError(
      { kind: 'manifest-csv', path: file },
      'dataset.unknown-column',
      /column 3 \("split"\) is not a manifest column/,
    );
    // A header with no manifest column at all is not quoted: the file may be anything.
    const stranger = writeManifest(['secret,other', 'a,b']);
    const error = await expectImportError(
      { kind: 'manifest-csv', path: stranger },
      'dataset.unknown-column',
      /columns 1, 2 are not manifest columns/,
    );
    expect(error.message).not.toMatch(/secret|other/);
  });

  it('refuses a manifest without a path column', async () => {
    const file = writeManifest(['id,label', 'x,1']);
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.missing-column', /"path"/);
  });

  it('refuses a CSV that is not UTF-8, naming the line', async () => {
    const file = path.join(data, 'latin1.csv');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('id,path,caption\nx,images/img_0.png,caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    await expectImportError({ kind: 'manifest-csv', path: file }, 'dataset.not-utf8', /latin1\.csv/, /line 2/);
  });

  it('refuses labels that mix integers and class names', async () => {
    writeCsvManifest(path.join(data, 'mixed.csv'), [
      { id: 'a', path: 'images/img_0.png', label: '1' },
      { id: 'b', path: 'images/img_1.png', label: 'cat' },
    ]);
    await expectImportError({ kind: 'manifest-csv', path: path.join(data, 'mixed.csv') }, 'dataset.mixed-labels');
  });

  it('refuses a caption over 10,000 characters', async () => {
    writeCsvManifest(path.join(data, 'long.csv'), [{ id: 'a', path: 'images/img_0.png', caption: 'x'.repeat(10_001) }]);
    await expectImportError({ kind: 'manifest-csv', path: path.join(data, 'long.csv') }, 'dataset.caption-too-long', /10001 characters/);
  });

  it('refuses a JSONL line that is not JSON and a key that is not a manifest column', async () => {
    const bad = path.join(data, 'bad.jsonl');
    fs.writeFileSync(bad, '{"id":"a","path":"images/img_0.png"}\n{"id": "b", path}\n');
    const syntax = await expectImportError({ kind: 'manifest-jsonl', path: bad }, 'dataset.jsonl-syntax', /line 2/);
    expect(syntax.message).not.toMatch(/path}/);
    fs.writeFileSync(bad, '{"id":"a","path":"images/img_0.png","score":3}\n');
    await expectImportError({ kind: 'manifest-jsonl', path: bad }, 'dataset.unknown-column', /key 3 \("score"\) is not a manifest column/);
  });

  it('refuses a request that does not fit the schema', async () => {
    await expectImportError(
      { kind: 'manifest-csv', path: manifest, defaultRole: 'boss' as never },
      'dataset.invalid-request',
      /defaultRole/,
    );
  });
});

describe('broken ImageFolder trees', () => {
  it('refuses a symbolic link to a folder outside the root', async () => {
    const root = path.join(dir, 'tree');
    await writeImage(path.join(root, 'cat', 'a.png'), 'png', 8, 8, 3, 1);
    fs.symlinkSync(path.join(data, 'images'), path.join(root, 'dog'));
    const error = await expectImportError({ kind: 'imagefolder', path: root }, 'dataset.path-outside-root', /"dog"/);
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/img_0/);
  });
});

describe('errors and lists never give away other files', () => {
  it('imports /etc/passwd-shaped text as a manifest without quoting a byte of it', async () => {
    const passwd = path.join(dir, 'passwd');
    fs.writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\nsecret-user:x:1000:1000::/home/secret-user:/bin/sh\n');
    const asCsv = await expectImportError(
      { kind: 'manifest-csv', path: passwd },
      'dataset.unknown-column',
      /passwd, line 1: column 1 is not a manifest column/,
    );
    const asJsonl = await expectImportError(
      { kind: 'manifest-jsonl', path: passwd },
      'dataset.jsonl-syntax',
      /passwd, line 1: not valid JSON/,
    );
    for (const error of [asCsv, asJsonl])
      expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/root:|bin\/bash|secret-user/);
  });

  it('refuses an ImageFolder class folder that links outside the root without listing the files there', async () => {
    const root = path.join(dir, 'tree');
    await writeImage(path.join(root, 'cat', 'a.png'), 'png', 8, 8, 3, 1);
    // Before, a linked folder holding no image imported fine and named the outside files under `skipped`.
    fs.mkdirSync(path.join(dir, 'private'));
    fs.writeFileSync(path.join(dir, 'private', 'tax-return-2024.txt'), 'not an image');
    fs.symlinkSync(path.join(dir, 'private'), path.join(root, 'dog'));
    const error = await expectImportError({ kind: 'imagefolder', path: root }, 'dataset.path-outside-root', /Class folder "dog"/);
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/tax-return|private/);
  });

  it('names a manifest path that links out without naming where the link leads', async () => {
    fs.mkdirSync(path.join(dir, 'private'));
    fs.writeFileSync(path.join(dir, 'private', 'holiday.png'), fs.readFileSync(path.join(data, 'images', 'img_0.png')));
    fs.symlinkSync(path.join(dir, 'private', 'holiday.png'), path.join(data, 'innocent.png'));
    const error = await expectImportError(
      { kind: 'manifest-csv', path: writeManifest(['id,path', 'x,innocent.png']) },
      'dataset.path-outside-root',
      /"innocent\.png" is a symbolic link/,
    );
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/holiday|private/);
  });
});

describe('broken IDX and CIFAR files', () => {
  it('refuses an IDX file with the wrong magic number', async () => {
    const file = path.join(dir, 'bad-idx3-ubyte');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0x00, 0x00, 0x09, 0x03]), Buffer.alloc(12)]));
    await expectImportError({ kind: 'idx', path: file }, 'dataset.idx-unsupported-type', /bad-idx3-ubyte/);
    fs.writeFileSync(file, zlib.gzipSync(Buffer.from('PK\x03\x04 not idx at all')));
    await expectImportError({ kind: 'idx', path: file }, 'dataset.idx-bad-magic', /bad-idx3-ubyte/);
  });

  it('refuses a label file whose count differs from the image count', async () => {
    const { images, labels } = writeIdxPair(dir, 10, { labelCount: 9 });
    await expectImportError({ kind: 'idx', path: images, labelsPath: labels }, 'dataset.idx-count-mismatch', /9 labels/, /10 images/);
  });

  it('refuses a truncated IDX file, plain or gzip-compressed', async () => {
    const plain = path.join(dir, 'short-idx3-ubyte');
    fs.writeFileSync(plain, idxBytes([10, 28, 28], new Uint8Array(9 * 784)));
    await expectImportError({ kind: 'idx', path: plain }, 'dataset.idx-size', /truncated/);
    const gz = path.join(dir, 'short-idx3-ubyte.gz');
    fs.writeFileSync(gz, zlib.gzipSync(idxBytes([1000, 28, 28], new Uint8Array(999 * 784))));
    await expectImportError({ kind: 'idx', path: gz }, 'dataset.idx-size', /truncated/);
  });

  it('refuses a CIFAR batch of the wrong size', async () => {
    const file = path.join(dir, 'data_batch_1.bin');
    writeCifarBatch(file, 3, 'cifar-10');
    fs.appendFileSync(file, Buffer.alloc(10));
    await expectImportError({ kind: 'cifar', path: file, cifarVariant: 'cifar-10' }, 'dataset.cifar-size', /data_batch_1\.bin/, /3073/);
  });

  it('refuses CIFAR-10 labels outside 0–9', async () => {
    const file = path.join(dir, 'data_batch_2.bin');
    writeCifarBatch(file, 3, 'cifar-10');
    const bytes = fs.readFileSync(file);
    bytes[3073] = 12;
    fs.writeFileSync(file, bytes);
    await expectImportError({ kind: 'cifar', path: file, cifarVariant: 'cifar-10' }, 'dataset.bad-label', /record 1/);
  });
});

describe('cancelling', () => {
  it('removes the partial dataset when the import is cancelled', async () => {
    const controller = new AbortController();
    const { images } = writeIdxPair(dir, 1200);
    const before = tableCounts(db);
    let written = 0;
    const promise = importDataset(db, {
      kind: 'idx',
      path: images,
      signal: controller.signal,
      onProgress: (p) => {
        written = tableCounts(db).records - before.records;
        if (p.done >= 500) controller.abort();
      },
    });
    await expect(promise).rejects.toMatchObject({ code: 'dataset.import-cancelled' });
    expect(tableCounts(db)).toEqual(before);
    expect(written).toBe(500);
  });
});
