// Opens a dataset file only after checking what it is: a FIFO, device, socket or folder given an image's or a
// manifest's name is refused with `dataset.not-a-file` instead of hanging the import or reading forever, and a
// file over the caller's byte limit is refused from its size alone, before a byte of it is read.
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { MiaError } from '../../common/errors';

/**
 * O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever, before any check could run.
 * It changes nothing for regular files. Windows has neither FIFOs nor the flag.
 */
const openFlags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

export interface RegularFileRules {
  /** The file as messages name it, with its context: "cat.csv, line 4: image cat/1.png" or "Manifest /d/m.csv". */
  readonly subject: string;
  /** Refused above this many bytes (`dataset.file-too-large`); no limit when absent. */
  readonly maxBytes?: number;
  /** Refused at 0 bytes (`dataset.file-empty`). */
  readonly refuseEmpty?: boolean;
}

export interface OpenRegularFile {
  readonly handle: FileHandle;
  readonly size: number;
}

/** The caller closes the handle. */
export async function openRegularFile(file: string, rules: RegularFileRules): Promise<OpenRegularFile> {
  let handle: FileHandle;
  try {
    handle = await fs.promises.open(file, openFlags);
  } catch (error) {
    throw openError(error, file, rules.subject);
  }
  try {
    const size = checkStats(await handle.stat(), file, rules);
    return { handle, size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Up to `length` bytes from `start`: fewer only when the file ends first (it shrank since it was opened). */
export async function readRange(handle: FileHandle, start: number, length: number): Promise<Buffer> {
  const out = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(out, filled, length - filled, start + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? out : out.subarray(0, filled);
}

/** The whole file, after the checks; for files read once and whole (manifests). */
export function readRegularFileSync(file: string, rules: RegularFileRules): Buffer {
  let descriptor: number;
  try {
    descriptor = fs.openSync(file, openFlags);
  } catch (error) {
    throw openError(error, file, rules.subject);
  }
  try {
    checkStats(fs.fstatSync(descriptor), file, rules);
    return fs.readFileSync(descriptor);
  } catch (error) {
    if (error instanceof MiaError) throw error;
    throw openError(error, file, rules.subject);
  } finally {
    fs.closeSync(descriptor);
  }
}

function checkStats(stats: fs.Stats, file: string, rules: RegularFileRules): number {
  if (stats.isDirectory()) throw new MiaError('dataset.not-a-file', `${rules.subject} is a folder, not a file.`, { file });
  if (!stats.isFile()) {
    throw new MiaError('dataset.not-a-file', `${rules.subject} is not a regular file (it is a FIFO, a device or a socket); only regular files are read.`, { file });
  }
  if (rules.refuseEmpty && stats.size === 0) throw new MiaError('dataset.file-empty', `${rules.subject} is empty (0 bytes).`, { file });
  if (rules.maxBytes !== undefined && stats.size > rules.maxBytes) {
    throw new MiaError('dataset.file-too-large', `${rules.subject} is ${stats.size} bytes; at most ${rules.maxBytes} bytes are read per file of this kind.`, {
      file,
      size: stats.size,
      maxBytes: rules.maxBytes,
    });
  }
  return stats.size;
}

function openError(error: unknown, file: string, subject: string): MiaError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new MiaError('dataset.file-missing', `${subject} does not exist.`, { file });
  if (code === 'EISDIR') return new MiaError('dataset.not-a-file', `${subject} is a folder, not a file.`, { file });
  // The system's words (EACCES …) name the reason, never the file's content.
  return new MiaError('dataset.read-failed', `${subject} could not be read (${(error as Error).message}).`, { file });
}
