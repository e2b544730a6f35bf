// Ed25519 signatures over SHA-256 digests: what backups and exported reports are signed with. Pure crypto, no
// files: the installation's key lives in services/signing/installation-key.ts.
//
// What is signed is a short statement naming what the digest is of ("workspace-backup", "report-file"), so a
// signature made for one kind of file can never be passed off as one for another.
import { createPublicKey, sign, verify, createHash, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { MiaError } from './errors';

export const signatureAlgorithm = 'ed25519';

/** The raw 32-byte Ed25519 public key, base64. */
export const PublicKeyText = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'an Ed25519 public key: 32 bytes in base64');
/** A 64-byte Ed25519 signature, base64. */
export const SignatureText = z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'an Ed25519 signature: 64 bytes in base64');
export const Sha256Text = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 digest: 64 lowercase hex digits');

export type SignedKind = 'workspace-backup' | 'report-file' | 'evidence-bundle';

/** A key that can sign: its private half, and its public half as it travels in signed files. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: string;
}

export function statementToSign(kind: SignedKind, sha256: string): Buffer {
  return Buffer.from(`mia-workbench signature 1\nkind: ${kind}\nsha256: ${sha256}\n`, 'utf8');
}

/** Signs the statement for `sha256`; returns the signature in base64. */
export function signDigest(key: SigningKey, kind: SignedKind, sha256: string): string {
  return sign(null, statementToSign(kind, sha256), key.privateKey).toString('base64');
}

/** Whether `signature` is `publicKey`'s signature of the statement for `sha256`. */
export function verifyDigest(publicKey: string, kind: SignedKind, sha256: string, signature: string): boolean {
  return verify(null, statementToSign(kind, sha256), publicKeyObject(publicKey), Buffer.from(signature, 'base64'));
}

/** The public half of an Ed25519 key as signed files carry it. */
export function publicKeyText(key: KeyObject): string {
  const { x } = key.export({ format: 'jwk' });
  if (key.asymmetricKeyType !== signatureAlgorithm || typeof x !== 'string') {
    throw new MiaError('signing.key-invalid', `Expected an Ed25519 key, got a ${key.asymmetricKeyType ?? 'symmetric'} key.`);
  }
  return Buffer.from(x, 'base64url').toString('base64');
}

/**
 * SHA-256 of the raw public key, in 16 groups of four hex digits: short enough to read out and compare by eye,
 * and computed from the key itself, never taken from what a file claims.
 */
export function fingerprintOf(publicKey: string): string {
  const digest = createHash('sha256')
    .update(Buffer.from(PublicKeyText.parse(publicKey), 'base64'))
    .digest('hex');
  return digest.match(/.{4}/g)!.join(' ');
}

function publicKeyObject(publicKey: string): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(PublicKeyText.parse(publicKey), 'base64').toString('base64url') },
    format: 'jwk',
  });
}
