// A reversible cipher standing in for Electron's safeStorage in tests (there is no Electron here): keyed per byte,
// so neither a key nor its base64 or hex form shows in what it writes, and it refuses bytes it did not make.
import type { KeyCipher } from '../../src-main/services/api-key-store';

const pad = (index: number): number => (0xa5 + index) % 256;

export const testKeyCipher: KeyCipher = {
  encrypt: (plaintext) => Buffer.from([0x4d, ...Buffer.from(plaintext, 'utf8').map((byte, index) => byte ^ pad(index))]),
  decrypt(ciphertext) {
    if (ciphertext[0] !== 0x4d) throw new Error('not made by this cipher');
    return Buffer.from(ciphertext.subarray(1).map((byte, index) => byte ^ pad(index))).toString('utf8');
  },
};

/** The forms a leaked key could take in a file: as typed, base64 and hex. */
export function leakedForms(key: string): Buffer[] {
  return [key, Buffer.from(key).toString('base64'), Buffer.from(key).toString('hex')].map((form) => Buffer.from(form));
}
