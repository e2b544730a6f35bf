// The run's record-image cache: batches are bit-identical to decoding each record on its own, whether every record
// is decoded, served from the cache, or a mix, in any order; flipped and plain tensors are kept apart; and records
// read on the calling thread keep their refusals (a changed, missing or non-regular file).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src-main/engine/attacks/run-record';
import { decodeImageBytes } from '../../../src-main/engine/data/decode-image';
import { encodePng } from '../../../src-main/engine/data/png-encode';
import { createRecordImages, mirrorHorizontally } from '../../../src-main/engine/jobs/record-images';
import { preprocess } from '../../../src-main/engine/models/preprocess';
import { PreprocessSpec } from '../../../src-main/engine/models/preprocess-spec';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';

const spec = PreprocessSpec.parse({ width: 6, height: 5, channels: 3, scale: 1 / 255, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] });
let dir: string;
let records: RunRecord[];

function writeRecord(id: number, bytes: Buffer): RunRecord {
  const file = path.join(dir, `r${id}.png`);
  fs.writeFileSync(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { id, key: `r${id}`, path: file, sourceIndex: null, sha256, label: 0, caption: null, member: null, role: 'audit' };
}

/** The tensor of one record decoded and preprocessed on its own, without the cache. */
async function alone(record: RunRecord, flip = false): Promise<Float32Array> {
  const pixels = await decodeImageBytes(fs.readFileSync(record.path), record.path, record.key);
  return preprocess(flip ? mirrorHorizontally(pixels) : pixels, spec);
}

async function expected(list: readonly RunRecord[], flip = false): Promise<Float32Array> {
  const parts = await Promise.all(list.map((record) => alone(record, flip)));
  const out = new Float32Array(parts.length * parts[0]!.length);
  parts.forEach((part, i) => out.set(part, i * part.length));
  return out;
}

const bytesOf = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-record-images-'));
  const random = new SeededRandom('record-images');
  records = Array.from({ length: 40 }, (_, i) => {
    const pixels = Uint8Array.from({ length: 6 * 5 * 3 }, () => random.nextInt(256));
    return writeRecord(i + 1, encodePng(pixels, 6, 5, 3));
  });
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('record images', () => {
  it('gives the bytes of decoding each record alone, cold, from the cache and for a mix in another order', async () => {
    const images = createRecordImages();
    const firstHalf = records.slice(0, 20);
    expect(bytesOf(await images.tensors(firstHalf, spec))).toEqual(bytesOf(await expected(firstHalf)));
    // Hits and misses interleaved, reversed: each lands at its own position.
    const mixed = [...records].reverse();
    expect(bytesOf(await images.tensors(mixed, spec))).toEqual(bytesOf(await expected(mixed)));
    // All hits now.
    expect(bytesOf(await images.tensors(mixed, spec))).toEqual(bytesOf(await expected(mixed)));
  });

  it('gives the same bytes with no cache at all', async () => {
    const images = createRecordImages(0);
    expect(bytesOf(await images.tensors(records, spec))).toEqual(bytesOf(await expected(records)));
    expect(bytesOf(await images.tensors(records, spec))).toEqual(bytesOf(await expected(records)));
  });

  it('keeps flipped and plain tensors apart, and one preprocessing apart from another', async () => {
    const images = createRecordImages();
    const plain = await images.tensors(records.slice(0, 5), spec);
    const flipped = await images.tensors(records.slice(0, 5), spec, { flip: true });
    expect(bytesOf(flipped)).toEqual(bytesOf(await expected(records.slice(0, 5), true)));
    expect(bytesOf(flipped)).not.toEqual(bytesOf(plain));
    const other = PreprocessSpec.parse({ ...spec, mean: [0, 0, 0] });
    const otherTensors = await images.tensors(records.slice(0, 5), other);
    expect(bytesOf(otherTensors)).not.toEqual(bytesOf(plain));
    expect(bytesOf(await images.tensors(records.slice(0, 5), spec))).toEqual(bytesOf(plain));
  });

  it('refuses a record whose file changed, vanished or is not a regular file (a folder, a FIFO)', async () => {
    const random = new SeededRandom('changed');
    const changed = writeRecord(
      100,
      encodePng(
        Uint8Array.from({ length: 90 }, () => random.nextInt(256)),
        6,
        5,
        3,
      ),
    );
    fs.writeFileSync(changed.path, encodePng(new Uint8Array(90), 6, 5, 3));
    await expect(createRecordImages().tensors([changed], spec)).rejects.toMatchObject({ code: 'dataset.file-changed' });

    const vanished = { ...records[0]!, id: 101, path: path.join(dir, 'gone.png') };
    await expect(createRecordImages().tensors([vanished], spec)).rejects.toMatchObject({ code: 'dataset.file-missing' });

    // Read on the calling thread now, so a FIFO must be refused at open, never block the engine waiting for a writer.
    const fifo = path.join(dir, 'fifo.png');
    execFileSync('mkfifo', [fifo]);
    await expect(createRecordImages().tensors([{ ...records[0]!, id: 103, path: fifo }], spec)).rejects.toMatchObject({
      code: 'dataset.not-a-file',
    });

    const folder = path.join(dir, 'folder.png');
    fs.mkdirSync(folder);
    await expect(createRecordImages().tensors([{ ...records[0]!, id: 102, path: folder }], spec)).rejects.toMatchObject({
      code: 'dataset.not-a-file',
    });
  });
});
