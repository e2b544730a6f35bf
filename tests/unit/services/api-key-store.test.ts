// The app's API key store with a real file and a reversible test cipher standing in for Electron's safeStorage: keys
// round-trip by variable name, the file holds only ciphertext, bad names and keys are refused, an unavailable cipher
// writes nothing, and the keys.* channels refuse to store on a front door without a store (headless host, CLI).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiaError } from '../../../src-main/common/errors';
import { apiKeyHandlers } from '../../../src-main/services/api-key-channels';
import { createApiKeyStore, type KeyCipher } from '../../../src-main/services/api-key-store';
import { unattendedFrontDoor } from '../../../src-main/services/front-door';
import { errorCodeOf } from '../../helpers/error-code';
import { makeTempDir } from '../../helpers/temp-dir';
import { leakedForms, testKeyCipher as testCipher } from '../../helpers/test-key-cipher';

const dir = makeTempDir('mia-keys-');
const secret = 'sk-live-7Q2mXv9TzL4pW8rB';
let fileCount = 0;
const freshFile = () => path.join(dir, `keys-${(fileCount += 1)}`, 'api-keys.json');

function expectNoPlaintext(file: string, key: string): void {
  const bytes = fs.readFileSync(file);
  for (const form of leakedForms(key)) expect(bytes.includes(form), `the key store holds the key as ${form.toString()}`).toBe(false);
}

describe('API key store', () => {
  it('stores a key under its variable name and gives it back from a new store on the same file', () => {
    const file = freshFile();
    createApiKeyStore({ file, cipher: testCipher }).set('TRITON_KEY', secret);
    const reopened = createApiKeyStore({ file, cipher: testCipher });
    expect(reopened.names()).toEqual(['TRITON_KEY']);
    expect(reopened.has('TRITON_KEY')).toBe(true);
    expect(reopened.get('TRITON_KEY')).toBe(secret);
    expect(reopened.get('OTHER_KEY')).toBeUndefined();
  });

  it('writes only ciphertext, readable by its owner only', () => {
    const file = freshFile();
    const store = createApiKeyStore({ file, cipher: testCipher });
    store.set('A_KEY', secret);
    store.set('B_KEY', `${secret}-b`);
    expectNoPlaintext(file, secret);
    expect(fs.readFileSync(file, 'utf8')).toContain('A_KEY');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o077).toBe(0);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['api-keys.json']);
  });

  it('replaces and deletes keys', () => {
    const store = createApiKeyStore({ file: freshFile(), cipher: testCipher });
    store.set('KEY', 'first');
    store.set('KEY', 'second');
    expect(store.get('KEY')).toBe('second');
    expect(store.delete('KEY')).toBe(true);
    expect(store.delete('KEY')).toBe(false);
    expect(store.names()).toEqual([]);
  });

  it('gives the environment a transport reads apiKeyEnv from, for the stored names only', () => {
    const store = createApiKeyStore({ file: freshFile(), cipher: testCipher });
    store.set('SERVER_KEY', secret);
    expect(store.environmentFor(['SERVER_KEY', 'UNSTORED', undefined, 'SERVER_KEY'])).toEqual({ SERVER_KEY: secret });
  });

  it('refuses a name that is not a variable name and a key that is not one line', () => {
    const file = freshFile();
    const store = createApiKeyStore({ file, cipher: testCipher });
    expect(errorCodeOf(() => store.set('1BAD', secret))).toBe('keys.bad-name');
    expect(errorCodeOf(() => store.set('KEY', 'two\nlines'))).toBe('keys.bad-key');
    expect(errorCodeOf(() => store.set('KEY', '   '))).toBe('keys.bad-key');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('writes nothing when the cipher refuses (safeStorage without encryption)', () => {
    const file = freshFile();
    const refusing: KeyCipher = {
      encrypt: () => {
        throw new MiaError('keys.encryption-unavailable', 'no encryption here');
      },
      decrypt: () => '',
    };
    expect(errorCodeOf(() => createApiKeyStore({ file, cipher: refusing }).set('KEY', secret))).toBe('keys.encryption-unavailable');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses a corrupt file and a key it cannot decrypt, naming the file and never the content', () => {
    const file = freshFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"keys": "not-a-map"}');
    expect(errorCodeOf(() => createApiKeyStore({ file, cipher: testCipher }).names())).toBe('keys.store-corrupt');
    fs.writeFileSync(file, JSON.stringify({ version: 1, keys: { KEY: Buffer.from('garbage').toString('base64') } }));
    let message = '';
    try {
      createApiKeyStore({ file, cipher: testCipher }).get('KEY');
    } catch (error) {
      message = (error as MiaError).message;
      expect((error as MiaError).code).toBe('keys.undecryptable');
    }
    expect(message).toContain(file);
    expect(message).not.toContain('garbage');
  });
});

describe('keys.* channels', () => {
  it('list the stored names (never a key) where the front door brings a store', async () => {
    const handlers = apiKeyHandlers({ ...unattendedFrontDoor, apiKeys: createApiKeyStore({ file: freshFile(), cipher: testCipher }) });
    const stored = await handlers['keys.set']({ name: 'TRITON_KEY', key: secret });
    expect(stored).toEqual({ storage: 'encrypted', names: ['TRITON_KEY'] });
    expect(JSON.stringify(await handlers['keys.list'](undefined))).not.toContain(secret);
    expect(await handlers['keys.delete']({ name: 'TRITON_KEY' })).toEqual({ storage: 'encrypted', names: [] });
  });

  it('refuse to store on a front door without a store, pointing at the variable', async () => {
    const handlers = apiKeyHandlers(unattendedFrontDoor);
    expect(await handlers['keys.list'](undefined)).toEqual({ storage: 'environment', names: [] });
    let caught: unknown;
    try {
      await handlers['keys.set']({ name: 'TRITON_KEY', key: secret });
    } catch (error) {
      caught = error;
    }
    expect((caught as MiaError).code).toBe('keys.not-offered');
    expect((caught as MiaError).message).toContain('TRITON_KEY');
    expect((caught as MiaError).message).not.toContain(secret);
  });
});
