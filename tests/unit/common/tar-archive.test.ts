// The evidence bundle's container: what writeTar writes, GNU tar reads back byte for byte, and readTar refuses every
// single-byte change to the archive's structure (headers, padding, closing blocks) while a change inside an entry
// reaches the caller as changed content, which the bundle's manifest then catches.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMiaError } from '../../../src-main/common/errors';
import { readTar, writeTar, type TarEntry } from '../../../src-main/common/tar-archive';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir('mia-tar-');
const entries: TarEntry[] = [
  { name: 'manifest.json', bytes: Buffer.from('{"a":1}\n') },
  { name: 'configs/run-1.json', bytes: Buffer.alloc(512, 7) },
  { name: 'empty.txt', bytes: Buffer.alloc(0) },
  { name: 'scores.csv', bytes: Buffer.from('run_id,score\r\n1,0.1\r\n') },
];
const archive = writeTar(entries, new Date('2026-01-02T03:04:05Z'));

describe('tar archive', () => {
  it('reads back exactly what it wrote, and GNU tar extracts the same bytes', () => {
    expect(readTar(archive, 'a.tar').map((entry) => [entry.name, Buffer.from(entry.bytes).toString('hex')])).toEqual(
      entries.map((entry) => [entry.name, Buffer.from(entry.bytes).toString('hex')]),
    );
    const file = path.join(dir, 'a.tar');
    fs.writeFileSync(file, archive);
    const out = path.join(dir, 'extracted');
    fs.mkdirSync(out);
    expect(spawnSync('tar', ['-xf', file, '-C', out]).status).toBe(0);
    for (const entry of entries) expect(fs.readFileSync(path.join(out, entry.name)).equals(Buffer.from(entry.bytes))).toBe(true);
  });

  it('refuses every changed byte outside the entries, and passes every changed byte inside one on as changed content', () => {
    const contentRanges: [number, number][] = [];
    let offset = 0;
    for (const entry of entries) {
      contentRanges.push([offset + 512, offset + 512 + entry.bytes.length]);
      offset += 512 + Math.ceil(entry.bytes.length / 512) * 512;
    }
    for (let at = 0; at < archive.length; at++) {
      const copy = Buffer.from(archive);
      copy[at] = copy[at]! ^ 0x01;
      const inContent = contentRanges.some(([start, end]) => at >= start && at < end);
      if (inContent) {
        const read = readTar(copy, 'a.tar');
        expect(
          read.some((entry, i) => !Buffer.from(entry.bytes).equals(Buffer.from(entries[i]!.bytes))),
          `byte ${at}`,
        ).toBe(true);
      } else {
        let code = '';
        try {
          readTar(copy, 'a.tar');
        } catch (error) {
          code = isMiaError(error) ? error.code : 'other';
        }
        expect(code, `byte ${at}`).toBe('archive.corrupt');
      }
    }
  });

  it('refuses an archive cut short or with bytes after its end, and names that cannot be extracted safely', () => {
    expect(() => readTar(archive.subarray(0, archive.length - 1), 'a.tar')).toThrow(/closing blocks/);
    expect(() => readTar(Buffer.concat([archive, Buffer.alloc(512)]), 'a.tar')).toThrow(/512 bytes follow its closing blocks/);
    for (const name of ['../x', '/etc/passwd', 'a/../b', 'Upper.txt', 'x'.repeat(101)]) {
      expect(() => writeTar([{ name, bytes: Buffer.alloc(1) }], new Date()), name).toThrow(/cannot be an archive entry name/);
    }
  });
});
