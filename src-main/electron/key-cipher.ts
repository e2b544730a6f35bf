// The app's key cipher: Electron's safeStorage (the OS keychain, DPAPI or libsecret), and the key store file it
// guards in the user-data folder, outside any workspace. Storing is refused when the OS offers no encryption, so a
// key is never written in a form that anyone who can read the file could read.
import { app, safeStorage } from 'electron';
import path from 'node:path';
import { MiaError } from '../common/errors';
import { createApiKeyStore, type ApiKeyStore, type KeyCipher } from '../services/api-key-store';

const safeStorageCipher: KeyCipher = {
  encrypt(plaintext) {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new MiaError(
        'keys.encryption-unavailable',
        'This system offers the app no encryption for stored keys (no keychain or secret service is available), so the key was not stored. Give the key through an environment variable named as the target’s apiKeyEnv instead.',
      );
    }
    return safeStorage.encryptString(plaintext);
  },
  decrypt: (ciphertext) => safeStorage.decryptString(ciphertext),
};

export function electronApiKeyStore(): ApiKeyStore {
  return createApiKeyStore({ file: path.join(app.getPath('userData'), 'api-keys.json'), cipher: safeStorageCipher });
}
