// The workspace backup file: one file holding a consistent SQLite snapshot of the workspace, a header that
// describes it, checksums that make a damaged or cut-off copy fail loudly on restore, and an Ed25519 signature
// that makes an edited copy fail even when its checksums were recomputed.
//
// Layout (all text UTF-8):
//   line 1   "MIA-WORKSPACE-BACKUP 1\n"                       magic and container version
//   line 2   header JSON on one line, then "\n"               BackupHeader below (sizes, SHA-256 of the database,
//                                                             and from header version 2 the signer's public key)
//   bytes    the SQLite database, exactly header.database.bytes long
//   trailer  "\nEND <sha256>\n"                               SHA-256 of every byte before the trailer
//            "SIG <base64>\n"                                 header version 2 only: the signer's signature of that
//                                                             SHA-256 (../common/signatures.ts, kind "workspace-backup")
// The database checksum proves the snapshot is the one exported; the trailer proves the header was not altered
// and the file was not cut off. Anyone can recompute checksums, so only the signature proves who wrote the file:
// it covers the header (with the public key in it) and the database. Restore checks all of them before a single
// byte lands in the target workspace. Version 1 headers (written before backups were signed) have no signature.
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs/promises';
import { z } from 'zod';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import {
  PublicKeyText,
  Sha256Text,
  SignatureText,
  signatureAlgorithm,
  signDigest,
  verifyDigest,
  type SigningKey,
} from '../common/signatures';

export const backupMagic = 'MIA-WORKSPACE-BACKUP 1\n';
const trailerPrefix = '\nEND ';
/** "\nEND " + 64 hex digits + "\n". */
const trailerLength = trailerPrefix.length + 64 + 1;
const signaturePrefix = 'SIG ';
/** "SIG " + 88 base64 characters + "\n". */
const signatureLineLength = signaturePrefix.length + 88 + 1;
const chunkBytes = 1024 * 1024;
const maxHeaderBytes = 64 * 1024;

const headerFields = {
  format: z.literal('mia-workspace-backup'),
  createdAt: z.string(),
  engineVersion: z.string(),
  schemaVersion: z.number().int().nonnegative(),
  database: z.strictObject({ bytes: z.number().int().positive(), sha256: Sha256Text }),
  counts: z.strictObject({ datasets: z.number().int(), records: z.number().int(), models: z.number().int(), runs: z.number().int() }),
  runIds: z.array(z.number().int().positive()),
};
/** The header this workbench writes: signed. */
export const SignedBackupHeader = z.strictObject({
  ...headerFields,
  version: z.literal(2),
  signer: z.strictObject({ algorithm: z.literal(signatureAlgorithm), publicKey: PublicKeyText }),
});
export type SignedBackupHeader = z.infer<typeof SignedBackupHeader>;
/** Any header restore accepts: version 1 (unsigned, from before signing) or version 2 (signed). */
export const BackupHeader = z.discriminatedUnion('version', [
  z.strictObject({ ...headerFields, version: z.literal(1) }),
  SignedBackupHeader,
]);
export type BackupHeader = z.infer<typeof BackupHeader>;
/** What a backup says about itself apart from its signer, which writeBackupFile fills in from the key. */
export type BackupDescription = Omit<SignedBackupHeader, 'version' | 'signer'>;

/** Writes `target` from a snapshot file, signed with `key`; returns the header written and the SHA-256 of the whole file. */
export async function writeBackupFile(
  snapshotFile: string,
  description: BackupDescription,
  target: string,
  key: SigningKey,
): Promise<{ header: SignedBackupHeader; sha256: string }> {
  const header: SignedBackupHeader = { ...description, version: 2, signer: { algorithm: signatureAlgorithm, publicKey: key.publicKey } };
  const whole = createHash('sha256');
  const fileHash = createHash('sha256');
  const out = await fs.open(target, 'wx');
  try {
    const write = async (bytes: Uint8Array, inChecksum = true): Promise<void> => {
      if (inChecksum) whole.update(bytes);
      fileHash.update(bytes);
      await out.write(bytes);
    };
    await write(Buffer.from(backupMagic));
    await write(Buffer.from(`${JSON.stringify(header)}\n`));
    const input = await fs.open(snapshotFile, 'r');
    try {
      const buffer = Buffer.alloc(chunkBytes);
      let copied = 0;
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, buffer.length, copied);
        if (bytesRead === 0) break;
        await write(buffer.subarray(0, bytesRead));
        copied += bytesRead;
      }
      if (copied !== header.database.bytes) {
        throw new MiaError(
          'backup.snapshot-changed',
          `The workspace snapshot ${snapshotFile} changed size while it was being packed (${copied} bytes, expected ${header.database.bytes}).`,
        );
      }
    } finally {
      await input.close();
    }
    const wholeSha256 = whole.digest('hex');
    await write(
      Buffer.from(`${trailerPrefix}${wholeSha256}\n${signaturePrefix}${signDigest(key, 'workspace-backup', wholeSha256)}\n`),
      false,
    );
    // The backup is only worth something once it is on the disk, not in a cache.
    await out.sync();
    return { header, sha256: fileHash.digest('hex') };
  } finally {
    await out.close();
  }
}

/**
 * Checks a backup file completely (magic, header, size, both checksums, the signature of a signed one) while
 * copying its database into `databaseTarget` (created; removed again if any check fails). Returns the header; a
 * version 2 header's public key is then the key that signed the file.
 */
export async function readBackupFile(file: string, databaseTarget: string): Promise<BackupHeader> {
  const input = await openBackup(file);
  try {
    const size = (await input.stat()).size;
    const head = Buffer.alloc(Math.min(size, backupMagic.length + maxHeaderBytes));
    await input.read(head, 0, head.length, 0);
    if (!head.subarray(0, backupMagic.length).equals(Buffer.from(backupMagic))) {
      throw new MiaError('backup.not-a-backup', `${file} is not a workbench backup (it does not start with "${backupMagic.trim()}").`, {
        file,
      });
    }
    const headerEnd = head.indexOf(0x0a, backupMagic.length);
    if (headerEnd < 0)
      throw new MiaError('backup.truncated', `The backup ${file} is cut off inside its header; the copy is incomplete.`, { file });
    const header = parseHeader(head.subarray(backupMagic.length, headerEnd), file);
    const databaseStart = headerEnd + 1;
    const fullTrailerLength = trailerLength + (header.version === 2 ? signatureLineLength : 0);
    const expectedSize = databaseStart + header.database.bytes + fullTrailerLength;
    if (size < expectedSize) {
      throw new MiaError(
        'backup.truncated',
        `The backup ${file} is cut off: it has ${size} bytes, and its header promises ${expectedSize}. The copy is incomplete; use another copy.`,
        { file, size, expectedSize },
      );
    }
    if (size > expectedSize) {
      throw new MiaError(
        'backup.corrupt',
        `The backup ${file} has ${size - expectedSize} bytes more than its header promises; it was altered or damaged.`,
        { file, size, expectedSize },
      );
    }
    const whole = createHash('sha256').update(head.subarray(0, databaseStart));
    const database = createHash('sha256');
    const out = await fs.open(databaseTarget, 'wx');
    try {
      await copyRange(input, databaseStart, header.database.bytes, [whole, database], out);
      await out.sync();
    } finally {
      await out.close();
    }
    const trailer = Buffer.alloc(fullTrailerLength);
    await input.read(trailer, 0, fullTrailerLength, databaseStart + header.database.bytes);
    const text = trailer.toString('latin1');
    const end = text.slice(0, trailerLength);
    if (!end.startsWith(trailerPrefix) || !end.endsWith('\n')) {
      throw new MiaError('backup.corrupt', `The backup ${file} has no valid end marker; it was altered or damaged.`, { file });
    }
    const wholeSha256 = whole.digest('hex');
    if (end.slice(trailerPrefix.length, -1) !== wholeSha256) {
      throw new MiaError(
        'backup.corrupt',
        `The backup ${file} fails its checksum: its content is not what was exported. Use another copy.`,
        { file },
      );
    }
    if (database.digest('hex') !== header.database.sha256) {
      throw new MiaError('backup.corrupt', `The database inside the backup ${file} fails its checksum. Use another copy.`, { file });
    }
    if (header.version === 2) checkSignature(text.slice(trailerLength), header.signer.publicKey, wholeSha256, file);
    return header;
  } catch (error) {
    await fs.rm(databaseTarget, { force: true });
    throw error;
  } finally {
    await input.close();
  }
}

/** The checksums can be recomputed by anyone; the signature cannot, so an edited copy stops here. */
function checkSignature(line: string, publicKey: string, wholeSha256: string, file: string): void {
  const signature = line.startsWith(signaturePrefix) && line.endsWith('\n') ? line.slice(signaturePrefix.length, -1) : '';
  if (!SignatureText.safeParse(signature).success || !verifyDigest(publicKey, 'workspace-backup', wholeSha256, signature)) {
    throw new MiaError(
      'backup.bad-signature',
      `The backup ${file} fails its signature check: its header or database was changed after it was signed (the checksums match, so they were recomputed). Not restoring it; use another copy.`,
      { file },
    );
  }
}

async function copyRange(input: fs.FileHandle, start: number, length: number, hashes: Hash[], out: fs.FileHandle | null): Promise<void> {
  const buffer = Buffer.alloc(chunkBytes);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await input.read(buffer, 0, Math.min(buffer.length, length - done), start + done);
    if (bytesRead === 0) throw new MiaError('backup.truncated', 'The backup file ended early while it was being read.');
    const chunk = buffer.subarray(0, bytesRead);
    for (const hash of hashes) hash.update(chunk);
    if (out) await out.write(chunk);
    done += bytesRead;
  }
}

async function openBackup(file: string): Promise<fs.FileHandle> {
  try {
    return await fs.open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MiaError(
      code === 'ENOENT' ? 'backup.not-found' : 'backup.unreadable',
      `Cannot read the backup ${file}: ${code ?? (error as Error).message}.`,
      { file },
    );
  }
}

function parseHeader(bytes: Buffer, file: string): BackupHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new MiaError('backup.corrupt', `The header of the backup ${file} is not valid JSON; the file was altered or damaged.`, { file });
  }
  const { format, version } = typeof raw === 'object' && raw !== null ? (raw as { format?: unknown; version?: unknown }) : {};
  if (format === 'mia-workspace-backup' && version !== 1 && version !== 2) {
    throw new MiaError(
      'backup.unsupported-version',
      `The backup ${file} has format version ${String(version)}; this workbench reads versions 1 and 2. Restore it with a newer workbench.`,
      { file },
    );
  }
  return parseWith(BackupHeader, raw, `Header of the backup ${file}`, 'backup.corrupt');
}
