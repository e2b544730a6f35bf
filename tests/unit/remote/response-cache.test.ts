// The remote response cache: keys that separate every part of a request, atomic entries, and damaged or refused
// entries treated as misses and removed so that a fresh answer replaces them.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { partialFileSuffix } from '../../../src-main/common/atomic-files';
import { cacheKey, ResponseCache } from '../../../src-main/engine/remote/response-cache';
import { makeTempDir } from '../../helpers/temp-dir';

const identity = { baseUrl: 'http://127.0.0.1:8000', model: 'm', version: '1' };
const answer = { headers: { 'content-type': 'application/json' }, body: Buffer.from('{"outputs":[]}') };

function entryFiles(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('cacheKey', () => {
  it('differs when any part of the request differs, and only then', () => {
    const body = Buffer.from('{"inputs":[1]}');
    const base = cacheKey(identity, 'POST', '/v2/models/m/infer', body);
    expect(cacheKey(identity, 'POST', '/v2/models/m/infer', Buffer.from('{"inputs":[1]}'))).toBe(base);
    const variants = [
      cacheKey({ ...identity, baseUrl: 'http://127.0.0.1:8001' }, 'POST', '/v2/models/m/infer', body),
      cacheKey({ ...identity, model: 'n' }, 'POST', '/v2/models/m/infer', body),
      cacheKey({ baseUrl: identity.baseUrl, model: 'm' }, 'POST', '/v2/models/m/infer', body),
      cacheKey(identity, 'GET', '/v2/models/m/infer', body),
      cacheKey(identity, 'POST', '/v2/models/m/infer', Buffer.from('{"inputs":[2]}')),
      // Length prefixes: moving a character between fields changes the key.
      cacheKey({ ...identity, model: 'm1', version: '' }, 'POST', '/v2/models/m/infer', body),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });
});

describe('ResponseCache', () => {
  it('returns what was written, through the validator', async () => {
    const cache = new ResponseCache(makeTempDir('mia-cache-'));
    const key = cacheKey(identity, 'POST', '/p', Buffer.from('x'));
    expect(cache.read(key, () => 'hit')).toBeUndefined();
    await cache.write(key, answer);
    expect(cache.read(key, (stored) => stored.body.toString())).toBe('{"outputs":[]}');
    expect(cache.read(key, (stored) => stored.headers)).toEqual(answer.headers);
    expect(entryFiles(cache.folder).filter((file) => file.endsWith(partialFileSuffix))).toEqual([]);
  });

  it.each([
    ['a flipped body byte', (bytes: Buffer) => (bytes[bytes.length - 2] ^= 1)],
    ['a truncated file', (bytes: Buffer) => bytes.subarray(0, 20)],
    ['a garbage header', (bytes: Buffer) => bytes.fill(0x7b, 8, 12)],
  ])('ignores and removes an entry with %s, and takes a fresh one', async (_label, damage) => {
    const cache = new ResponseCache(makeTempDir('mia-cache-'));
    const key = cacheKey(identity, 'POST', '/p', Buffer.from('y'));
    await cache.write(key, answer);
    const [file] = entryFiles(cache.folder);
    const bytes = fs.readFileSync(file!);
    const damaged = damage(bytes);
    fs.writeFileSync(file!, Buffer.isBuffer(damaged) ? damaged : bytes);
    expect(cache.read(key, () => 'hit')).toBeUndefined();
    expect(fs.existsSync(file!)).toBe(false);
    await cache.write(key, answer);
    expect(cache.read(key, () => 'hit')).toBe('hit');
  });

  it('removes an entry its validator refuses', async () => {
    const cache = new ResponseCache(makeTempDir('mia-cache-'));
    const key = cacheKey(identity, 'POST', '/p', Buffer.from('z'));
    await cache.write(key, answer);
    expect(
      cache.read(key, () => {
        throw new Error('no longer fits the model');
      }),
    ).toBeUndefined();
    expect(entryFiles(cache.folder)).toEqual([]);
  });

  it('does not serve an entry stored under another key', async () => {
    const cache = new ResponseCache(makeTempDir('mia-cache-'));
    const key = cacheKey(identity, 'POST', '/p', Buffer.from('a'));
    const other = cacheKey(identity, 'POST', '/p', Buffer.from('b'));
    await cache.write(key, answer);
    const [file] = entryFiles(cache.folder);
    const target = path.join(cache.folder, other.slice(0, 2), `${other}.response`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(file!, target);
    expect(cache.read(other, () => 'hit')).toBeUndefined();
  });
});
