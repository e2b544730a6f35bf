import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cifarInterleave, cifarLayout } from '../../../src-main/engine/data/cifar';
import { parseIdxHeader, readIdxFileWhole, readIdxHeader } from '../../../src-main/engine/data/idx';
import { maxContainerBytes } from '../../../src-main/engine/data/image-limits';
import { idxBytes, makeTempDir, writeCifarBatch, writeIdxPair } from '../../fixtures/datasets/build-fixtures';
import { errorCodeOf } from '../../helpers/error-code';

let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('IDX containers read whole (at run time)', () => {
  it('refuses a gzip bomb that unpacks past the container limit (1 GiB) instead of unpacking it all', () => {
    dir = makeTempDir('idx-bomb');
    // Zeros compress about 1000:1, so a file of a few MB unpacks past the limit; it is built a chunk at a time so
    // the test never holds the unpacked bytes.
    const parts: Buffer[] = [];
    const zeros = Buffer.alloc(16 * 1024 * 1024);
    for (let written = 0; written <= maxContainerBytes; written += zeros.length) parts.push(zlib.gzipSync(zeros, { level: 1 }));
    // Concatenated gzip members are one valid gzip stream to gunzip.
    const file = path.join(dir, 'bomb-idx3-ubyte.gz');
    fs.writeFileSync(file, Buffer.concat(parts));
    expect(errorCodeOf(() => readIdxFileWhole(file, 'IDX images'))).toBe('dataset.file-too-large');
  });
});

describe('IDX headers', () => {
  it('reads count and item size from a 3-dimensional header', () => {
    const header = parseIdxHeader(idxBytes([5, 28, 28], new Uint8Array(5 * 784)), 'x', [3]);
    expect(header).toEqual({ dims: [5, 28, 28], headerBytes: 16, count: 5, itemBytes: 784 });
  });

  it('refuses a file without the IDX magic, one of another data type, and one with the wrong dimensions', () => {
    expect(errorCodeOf(() => parseIdxHeader(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'x', [3]))).toBe('dataset.idx-bad-magic');
    expect(errorCodeOf(() => parseIdxHeader(Buffer.from([0, 0, 0x0d, 3, 0, 0, 0, 1]), 'x', [3]))).toBe('dataset.idx-unsupported-type');
    expect(errorCodeOf(() => parseIdxHeader(idxBytes([3], new Uint8Array(3)), 'x', [3, 4]))).toBe('dataset.idx-bad-magic');
  });

  it('reads the header of a gzip-compressed file', async () => {
    dir = makeTempDir('idx');
    const { images } = writeIdxPair(dir, 4, { gzip: true });
    expect((await readIdxHeader(images, [3])).count).toBe(4);
  });
});

describe('CIFAR layout', () => {
  it('tells CIFAR-10 from CIFAR-100 by file size', () => {
    dir = makeTempDir('cifar');
    writeCifarBatch(path.join(dir, 'a.bin'), 3, 'cifar-10');
    writeCifarBatch(path.join(dir, 'b.bin'), 3, 'cifar-100');
    expect(cifarLayout(path.join(dir, 'a.bin'))).toMatchObject({ variant: 'cifar-10', count: 3, recordBytes: 3073 });
    expect(cifarLayout(path.join(dir, 'b.bin'))).toMatchObject({ variant: 'cifar-100', count: 3, recordBytes: 3074 });
  });

  it('refuses a file that is not a whole number of records', () => {
    dir = makeTempDir('cifar');
    fs.writeFileSync(path.join(dir, 'c.bin'), Buffer.alloc(3073 * 2 + 5));
    expect(errorCodeOf(() => cifarLayout(path.join(dir, 'c.bin')))).toBe('dataset.cifar-size');
    expect(errorCodeOf(() => cifarLayout(path.join(dir, 'c.bin'), 'cifar-10'))).toBe('dataset.cifar-size');
  });

  it('interleaves planar RGB', () => {
    const planar = new Uint8Array(3072);
    planar[0] = 10;
    planar[1024] = 20;
    planar[2048] = 30;
    planar[1] = 11;
    expect(Array.from(cifarInterleave(planar).subarray(0, 4))).toEqual([10, 20, 30, 11]);
  });
});
