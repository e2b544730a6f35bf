// The app's store of API keys for remote targets: each key is kept under the name of the environment variable a
// target's `apiKeyEnv` names, encrypted by an injected cipher (Electron's safeStorage in the app) in one file outside
// the workspace. The file holds only ciphertext, so a workspace export, backup or report can never carry a key, and
// a key reaches the engine only as an entry of a remote transport's `env` (environmentFor).
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MiaError } from '../common/errors';
import { ApiKeyName } from '../../src-shared/contract/contract-keys';

/** Turns a key into bytes only this user on this machine can turn back (safeStorage), and back. */
export interface KeyCipher {
  encrypt(plaintext: string): Buffer;
  decrypt(ciphertext: Buffer): string;
}

export interface ApiKeyStore {
  /** The names that hold a key, sorted; never the keys. */
  names(): string[];
  has(name: string): boolean;
  /** Stores (or replaces) the key under this variable name. */
  set(name: string, key: string): void;
  /** True when a key was there to delete. */
  delete(name: string): boolean;
  /** The decrypted key, or undefined when none is stored under the name. */
  get(name: string): string | undefined;
  /** `{ NAME: key }` for each of these names that holds a key: the `env` a remote transport reads `apiKeyEnv` from. */
  environmentFor(names: readonly (string | undefined)[]): Record<string, string>;
}

/** What a key may be: one line of printable text (it becomes an HTTP header), at most 8 KiB. */
const ApiKeyValue = z
  .string()
  .trim()
  .min(1, 'a key is needed')
  .max(8192, 'a key is at most 8,192 characters')
  .regex(/^[\x21-\x7e]+$/, 'a key is one line of printable ASCII without spaces');

const KeyFile = z.strictObject({
  version: z.literal(1),
  /** Variable name → base64 of the cipher's output. */
  keys: z.record(ApiKeyName, z.base64()),
});
type KeyFile = z.infer<typeof KeyFile>;

export function createApiKeyStore(options: { readonly file: string; readonly cipher: KeyCipher }): ApiKeyStore {
  const { file, cipher } = options;

  function read(): KeyFile {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, keys: {} };
      throw new MiaError(
        'keys.store-unreadable',
        `The key store ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        {
          file,
        },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    const checked = KeyFile.safeParse(parsed);
    if (!checked.success) {
      throw new MiaError(
        'keys.store-corrupt',
        `The key store ${file} is not a key file of this workbench (expected { "version": 1, "keys": { NAME: base64 } }); delete it and store the keys again.`,
        { file },
      );
    }
    return checked.data;
  }

  /** Written beside and renamed over, readable by this user only, so a crash leaves the old file or the new one. */
  function write(content: KeyFile): void {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(partial, file);
  }

  const nameOf = (name: string): string => {
    const checked = ApiKeyName.safeParse(name);
    if (!checked.success) {
      throw new MiaError(
        'keys.bad-name',
        `Key name "${name}" is not an environment variable name (letters, digits and _, not starting with a digit).`,
      );
    }
    return checked.data;
  };

  function get(name: string): string | undefined {
    const stored = read().keys[nameOf(name)];
    if (stored === undefined) return undefined;
    try {
      return cipher.decrypt(Buffer.from(stored, 'base64'));
    } catch (error) {
      throw new MiaError(
        'keys.undecryptable',
        `The key stored as ${name} in ${file} cannot be decrypted here (${(error as Error).message}); store it again.`,
        { name, file },
      );
    }
  }

  return {
    names: () => Object.keys(read().keys).sort(),
    has: (name) => read().keys[nameOf(name)] !== undefined,
    set(name, key) {
      const checkedName = nameOf(name);
      const value = ApiKeyValue.safeParse(key);
      if (!value.success) {
        throw new MiaError('keys.bad-key', `The key for ${checkedName}: ${value.error.issues[0]?.message ?? 'not a key'}.`, {
          name: checkedName,
        });
      }
      const content = read();
      // encrypt throws (safeStorage unavailable) before anything is written.
      content.keys[checkedName] = cipher.encrypt(value.data).toString('base64');
      write(content);
    },
    delete(name) {
      const checkedName = nameOf(name);
      const content = read();
      if (content.keys[checkedName] === undefined) return false;
      delete content.keys[checkedName];
      write(content);
      return true;
    },
    get,
    environmentFor(names) {
      const environment: Record<string, string> = {};
      for (const name of new Set(names)) {
        if (name === undefined) continue;
        const key = get(name);
        if (key !== undefined) environment[name] = key;
      }
      return environment;
    },
  };
}
