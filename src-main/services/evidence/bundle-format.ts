// The signed evidence bundle's format: one ustar archive (../../common/tar-archive.ts) whose first entry,
// `manifest.json`, lists every other entry with its size and SHA-256, and whose second, `manifest.sig`, is the
// installation key's Ed25519 signature of the manifest's SHA-256 (kind "evidence-bundle"). The manifest carries the
// signer's public key. Reading checks, in this order, the archive's structure, the manifest, the signature and every
// entry, so any changed byte is refused with a message naming what failed.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import {
  fingerprintOf,
  PublicKeyText,
  Sha256Text,
  SignatureText,
  signatureAlgorithm,
  signDigest,
  verifyDigest,
  type SigningKey,
} from '../../common/signatures';
import { readTar, writeTar, type TarEntry } from '../../common/tar-archive';
import { identifySigner, type KeySigner } from '../signing/installation-key';

export const bundleManifestName = 'manifest.json';
export const bundleSignatureName = 'manifest.sig';

export const BundleManifest = z.strictObject({
  format: z.literal('mia-evidence-bundle'),
  version: z.literal(1),
  createdAt: z.string(),
  engineVersion: z.string(),
  runIds: z.array(z.number().int().positive()).min(1),
  signer: z.strictObject({ algorithm: z.literal(signatureAlgorithm), publicKey: PublicKeyText, fingerprint: z.string() }),
  /** Every entry of the archive but the manifest and its signature, in archive order. */
  entries: z.array(z.strictObject({ name: z.string(), bytes: z.number().int().nonnegative(), sha256: Sha256Text })).min(1),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

const BundleSignature = z.strictObject({
  format: z.literal('mia-evidence-signature'),
  version: z.literal(1),
  manifestSha256: Sha256Text,
  signature: SignatureText,
});

export interface VerifiedBundle {
  readonly file: string;
  /** SHA-256 of the whole bundle file. */
  readonly sha256: string;
  readonly manifest: BundleManifest;
  readonly signer: KeySigner;
  /** Every checked entry's content by name (manifest and signature included). */
  readonly entries: ReadonlyMap<string, Uint8Array>;
}

/** The archive's bytes: manifest, signature, then `entries` in the order given. */
export function packEvidenceBundle(
  entries: readonly TarEntry[],
  description: { createdAt: Date; engineVersion: string; runIds: readonly number[] },
  key: SigningKey,
): Buffer {
  const manifest: BundleManifest = {
    format: 'mia-evidence-bundle',
    version: 1,
    createdAt: description.createdAt.toISOString(),
    engineVersion: description.engineVersion,
    runIds: [...description.runIds],
    signer: { algorithm: signatureAlgorithm, publicKey: key.publicKey, fingerprint: fingerprintOf(key.publicKey) },
    entries: entries.map((entry) => ({ name: entry.name, bytes: entry.bytes.length, sha256: sha256Of(entry.bytes) })),
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const manifestSha256 = sha256Of(manifestBytes);
  const signature = {
    format: 'mia-evidence-signature',
    version: 1,
    manifestSha256,
    signature: signDigest(key, 'evidence-bundle', manifestSha256),
  };
  return writeTar(
    [
      { name: bundleManifestName, bytes: manifestBytes },
      { name: bundleSignatureName, bytes: Buffer.from(`${JSON.stringify(signature, null, 2)}\n`) },
      ...entries,
    ],
    description.createdAt,
  );
}

/**
 * Whether `file` is meant as an evidence bundle: it carries the ustar magic or starts with the manifest's name. One
 * changed byte cannot remove both, so a damaged bundle is still read as a bundle and refused as one.
 */
export function looksLikeEvidenceBundle(file: string): boolean {
  let head: Buffer;
  try {
    const handle = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(263);
      head = head.subarray(0, fs.readSync(handle, head, 0, head.length, 0));
    } finally {
      fs.closeSync(handle);
    }
  } catch {
    return false;
  }
  return (
    head.subarray(257, 263).toString('latin1') === 'ustar\0' ||
    head.subarray(0, bundleManifestName.length).toString('latin1') === bundleManifestName
  );
}

/** Reads and checks a whole bundle; throws naming the first thing that failed. */
export function readEvidenceBundle(given: string): VerifiedBundle {
  const file = path.resolve(given);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MiaError('bundle.unreadable', `Cannot read the evidence bundle ${file}: ${code ?? (error as Error).message}.`, { file });
  }
  if (!stat.isFile()) throw new MiaError('bundle.not-a-file', `The evidence bundle ${file} is not a regular file.`, { file });
  const bytes = fs.readFileSync(file);
  const archive = readTar(bytes, file);
  const [manifestEntry, signatureEntry, ...rest] = archive;
  if (manifestEntry?.name !== bundleManifestName || signatureEntry?.name !== bundleSignatureName) {
    throw new MiaError(
      'bundle.bad-manifest',
      `${file} is not an evidence bundle: its first two entries must be ${bundleManifestName} and ${bundleSignatureName}.`,
      { file },
    );
  }
  const manifest = parseWith(BundleManifest, jsonOf(manifestEntry, file), `The manifest of ${file}`, 'bundle.bad-manifest');
  const fingerprint = fingerprintOf(manifest.signer.publicKey);
  if (manifest.signer.fingerprint !== fingerprint) {
    throw new MiaError(
      'bundle.bad-manifest',
      `The manifest of ${file} states fingerprint ${manifest.signer.fingerprint}, but its public key has fingerprint ${fingerprint}; it was altered.`,
      { file },
    );
  }
  const signature = parseWith(BundleSignature, jsonOf(signatureEntry, file), `The signature of ${file}`, 'bundle.bad-signature');
  const manifestSha256 = sha256Of(manifestEntry.bytes);
  if (
    signature.manifestSha256 !== manifestSha256 ||
    !verifyDigest(manifest.signer.publicKey, 'evidence-bundle', manifestSha256, signature.signature)
  ) {
    throw new MiaError(
      'bundle.bad-signature',
      `The signature in ${file} does not match its manifest: the manifest or the signature was changed after signing. Do not trust this bundle.`,
      { file },
    );
  }
  const listed = manifest.entries.map((entry) => entry.name);
  const present = rest.map((entry) => entry.name);
  if (listed.join('\n') !== present.join('\n')) {
    const extra = present.find((name) => !listed.includes(name));
    const missing = listed.find((name) => !present.includes(name));
    throw new MiaError(
      'bundle.entries-differ',
      `The entries of ${file} are not the ones its manifest lists (${extra ? `unlisted: ${extra}` : missing ? `missing: ${missing}` : 'in another order'}).`,
      { file },
    );
  }
  rest.forEach((entry, i) => {
    const expected = manifest.entries[i]!;
    const sha256 = sha256Of(entry.bytes);
    if (sha256 !== expected.sha256 || entry.bytes.length !== expected.bytes) {
      throw new MiaError(
        'bundle.entry-changed',
        `The entry ${entry.name} in ${file} was changed after signing: its SHA-256 is ${sha256}, the manifest lists ${expected.sha256}.`,
        { file, entry: entry.name },
      );
    }
  });
  return {
    file,
    sha256: sha256Of(bytes),
    manifest,
    signer: identifySigner(manifest.signer.publicKey),
    entries: new Map(archive.map((entry) => [entry.name, entry.bytes])),
  };
}

/** A checked entry's text, refusing a name the bundle does not hold. */
export function bundleEntryText(bundle: VerifiedBundle, name: string): string {
  const bytes = bundle.entries.get(name);
  if (!bytes)
    throw new MiaError('bundle.entry-missing', `The evidence bundle ${bundle.file} has no entry ${name}.`, {
      file: bundle.file,
      entry: name,
    });
  return Buffer.from(bytes).toString('utf8');
}

function jsonOf(entry: TarEntry, file: string): unknown {
  try {
    return JSON.parse(Buffer.from(entry.bytes).toString('utf8'));
  } catch {
    throw new MiaError(
      entry.name === bundleSignatureName ? 'bundle.bad-signature' : 'bundle.bad-manifest',
      `The entry ${entry.name} of ${file} is not JSON; it was altered.`,
      { file, entry: entry.name },
    );
  }
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
