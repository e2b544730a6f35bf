// Detached signatures of exported files: `report.pdf` gets `report.pdf.sig`, a small JSON file with the signer's
// public key and fingerprint, the file's SHA-256 and the Ed25519 signature of it (kind "report-file"). Exports add
// them to their all-or-nothing set of files (withDetachedSignatures); `mia verify FILE` checks them.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { PlannedFile } from '../../common/atomic-files';
import { MiaError } from '../../common/errors';
import { sha256OfFile } from '../../common/file-sha256';
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
import { identifySigner, installationKey, type KeySigner } from './installation-key';

/** A signature file is a few hundred bytes; anything much larger is not one, and is not read. */
const maxSignatureFileBytes = 16 * 1024;

export const DetachedSignature = z.strictObject({
  format: z.literal('mia-signature'),
  version: z.literal(1),
  /** The signed file's name when it was signed; informative only (renaming a file does not break its signature). */
  file: z.string(),
  algorithm: z.literal(signatureAlgorithm),
  fingerprint: z.string(),
  publicKey: PublicKeyText,
  sha256: Sha256Text,
  signature: SignatureText,
});
export type DetachedSignature = z.infer<typeof DetachedSignature>;

export interface VerifiedFile {
  readonly file: string;
  readonly signatureFile: string;
  readonly sha256: string;
  readonly signer: KeySigner;
}

export function signatureFileOf(file: string): string {
  return `${file}.sig`;
}

export function detachedSignatureText(fileName: string, sha256: string, key: SigningKey): string {
  const signature: DetachedSignature = {
    format: 'mia-signature',
    version: 1,
    file: fileName,
    algorithm: signatureAlgorithm,
    fingerprint: fingerprintOf(key.publicKey),
    publicKey: key.publicKey,
    sha256,
    signature: signDigest(key, 'report-file', sha256),
  };
  return `${JSON.stringify(signature, null, 2)}\n`;
}

/**
 * `files` followed by one `NAME.sig` per file, for writeFilesAtomically: the files keep their places (so results
 * line up with `files`), and each signature is written after every file is complete, from the SHA-256 of the
 * temporary copy that will be renamed into place. The key is loaded before anything is written.
 */
export function withDetachedSignatures(files: readonly PlannedFile[], key: SigningKey = installationKey()): PlannedFile[] {
  const temps: (string | undefined)[] = files.map(() => undefined);
  const recorded = files.map((file, i): PlannedFile => ({
    ...file,
    write: async (temp) => {
      await file.write(temp);
      temps[i] = temp;
    },
  }));
  const signatures = files.map((file, i): PlannedFile => ({
    path: signatureFileOf(file.path),
    write: async (temp) => {
      const written = temps[i];
      if (!written) throw new MiaError('internal', `The signature of ${file.path} was due before the file itself was written.`);
      fs.writeFileSync(temp, detachedSignatureText(path.basename(file.path), await sha256OfFile(written), key));
    },
  }));
  return [...recorded, ...signatures];
}

/** Checks `file` against its detached signature (`FILE.sig` unless named); returns who signed it. */
export async function verifyDetachedSignature(file: string, signatureFile: string = signatureFileOf(file)): Promise<VerifiedFile> {
  const target = path.resolve(file);
  const sigPath = path.resolve(signatureFile);
  requireRegularFile(target, 'signature.file-missing', 'file to verify');
  requireRegularFile(sigPath, 'signature.missing', 'signature file');
  if (fs.statSync(sigPath).size > maxSignatureFileBytes) {
    throw new MiaError(
      'signature.invalid',
      `${sigPath} is not a workbench signature file: it is larger than ${maxSignatureFileBytes} bytes.`,
      { file: sigPath },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(sigPath, 'utf8'));
  } catch {
    throw new MiaError('signature.invalid', `${sigPath} is not a workbench signature file: it is not JSON.`, { file: sigPath });
  }
  const claimed = parseWith(DetachedSignature, raw, `The signature file ${sigPath}`, 'signature.invalid');
  const fingerprint = fingerprintOf(claimed.publicKey);
  if (claimed.fingerprint !== fingerprint) {
    throw new MiaError(
      'signature.invalid',
      `The signature file ${sigPath} states fingerprint ${claimed.fingerprint}, but its public key has fingerprint ${fingerprint}; it was altered.`,
      { file: sigPath },
    );
  }
  if (!verifyDigest(claimed.publicKey, 'report-file', claimed.sha256, claimed.signature)) {
    throw new MiaError(
      'signature.bad-signature',
      `The signature in ${sigPath} does not match its own content: the signature file was altered. Do not trust ${target}.`,
      { file: sigPath },
    );
  }
  const sha256 = await sha256OfFile(target);
  if (sha256 !== claimed.sha256) {
    throw new MiaError(
      'signature.file-changed',
      `${target} is not the file that was signed: its SHA-256 is ${sha256}, the signature in ${sigPath} is for ${claimed.sha256}.`,
      { file: target, sha256, signed: claimed.sha256 },
    );
  }
  return { file: target, signatureFile: sigPath, sha256, signer: identifySigner(claimed.publicKey) };
}

function requireRegularFile(file: string, missingCode: string, what: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MiaError(
      code === 'ENOENT' ? missingCode : 'signature.unreadable',
      `Cannot read the ${what} ${file}: ${code === 'ENOENT' ? 'it does not exist' : (code ?? (error as Error).message)}.`,
      { file },
    );
  }
  if (!stat.isFile()) throw new MiaError('signature.not-a-file', `The ${what} ${file} is not a regular file.`, { file });
}
