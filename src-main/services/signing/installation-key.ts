// This installation's signing key: an Ed25519 private key in the user's configuration folder, created on first
// use, readable by the user alone. Backups and exported reports are signed with it; restore and `mia verify` tell
// "signed by this installation" from "signed by another key" by comparing public keys.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { userConfigFolder } from '../../common/default-workspace';
import { MiaError } from '../../common/errors';
import { fingerprintOf, publicKeyText, type SigningKey } from '../../common/signatures';

const keyFileName = 'signing-key.pem';

/** The key that signed a file, as restore and `mia verify` report it. */
export interface KeySigner {
  readonly kind: 'this-installation' | 'another-key';
  readonly fingerprint: string;
}
/** Who signed a backup: a key, or nobody (a backup from before signing). */
export type Signer = KeySigner | { readonly kind: 'unsigned' };

export function installationKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(userConfigFolder(env), keyFileName);
}

/** The installation's key, created (mode 0600, in a folder of mode 0700) if there is none yet. */
export function installationKey(env: NodeJS.ProcessEnv = process.env): SigningKey {
  return existingInstallationKey(env) ?? createInstallationKey(installationKeyFile(env));
}

/** The installation's key, or null where none was ever created (then nothing was signed by this installation). */
export function existingInstallationKey(env: NodeJS.ProcessEnv = process.env): SigningKey | null {
  return readKeyFile(installationKeyFile(env));
}

/** Whether `publicKey` is this installation's, and its fingerprint. Never creates a key. */
export function identifySigner(publicKey: string, env: NodeJS.ProcessEnv = process.env): KeySigner {
  const own = existingInstallationKey(env);
  return { kind: own?.publicKey === publicKey ? 'this-installation' : 'another-key', fingerprint: fingerprintOf(publicKey) };
}

export function describeSigner(signer: Signer): string {
  switch (signer.kind) {
    case 'this-installation':
      return `signed by this installation (fingerprint ${signer.fingerprint})`;
    case 'another-key':
      return `signed by another key (fingerprint ${signer.fingerprint})`;
    case 'unsigned':
      return 'unsigned';
  }
}

function readKeyFile(file: string): SigningKey | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new MiaError(
      'signing.key-unreadable',
      `Cannot read the signing key ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      { file },
    );
  }
  if (!stat.isFile()) throw new MiaError('signing.key-invalid', `The signing key ${file} is not a regular file.`, { file });
  // Like ssh, refuse a private key that others can read: signatures made with it would prove nothing.
  if ((stat.mode & 0o077) !== 0) {
    throw new MiaError(
      'signing.key-exposed',
      `The signing key ${file} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); make it private with "chmod 600 ${file}".`,
      { file },
    );
  }
  try {
    const privateKey = createPrivateKey(fs.readFileSync(file));
    return { privateKey, publicKey: publicKeyText(createPublicKey(privateKey)) };
  } catch (error) {
    throw new MiaError(
      'signing.key-invalid',
      `The signing key ${file} is not an Ed25519 private key in PEM form; move it away and a new key is made on next use.`,
      { file, reason: (error as Error).message },
    );
  }
}

function createInstallationKey(file: string): SigningKey {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  // Written under a temporary name and linked into place: two processes creating the key at once end up with the
  // same key (the second link fails and that process reads the winner's), never with a half-written file.
  const partial = `${file}.${process.pid}.partial`;
  fs.rmSync(partial, { force: true });
  try {
    const out = fs.openSync(partial, 'wx', 0o600);
    try {
      fs.writeSync(out, pem);
      fs.fsyncSync(out);
    } finally {
      fs.closeSync(out);
    }
    try {
      fs.linkSync(partial, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  } catch (error) {
    if (error instanceof MiaError) throw error;
    throw new MiaError(
      'signing.key-unwritable',
      `Cannot create the signing key ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      { file },
    );
  } finally {
    fs.rmSync(partial, { force: true });
  }
  const key = readKeyFile(file);
  if (!key) throw new MiaError('signing.key-unwritable', `The signing key ${file} vanished right after it was created.`, { file });
  return key;
}
