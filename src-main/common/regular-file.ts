// Opens a file from the auditor's disk (a dataset's images, manifests and containers; a model's ONNX, sidecar,
// tokenizer and scheduler files) only after checking what it is: a FIFO, device, socket or folder given a file's name
// is refused with `<domain>.not-a-file` instead of hanging or reading forever, and a file over the caller's byte limit
// is refused from its size alone, before a byte of it is read. The one place such files are opened.
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { MiaError } from './errors';

/**
 * O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever, before any check could run.
 * It changes nothing for regular files. Windows has neither FIFOs nor the flag.
 */
const openFlags = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** Whose file it is: the prefix of the error codes, so a model's file fails with `model.*` and a dataset's with `dataset.*`. */
export type FileDomain = 'dataset' | 'model' | 'config';

const codes: Record<FileDomain, Record<'notAFile' | 'missing' | 'empty' | 'tooLarge' | 'unreadable', string>> = {
  dataset: {
    notAFile: 'dataset.not-a-file',
    missing: 'dataset.file-missing',
    empty: 'dataset.file-empty',
    tooLarge: 'dataset.file-too-large',
    unreadable: 'dataset.read-failed',
  },
  model: {
    notAFile: 'model.not-a-file',
    missing: 'model.file-missing',
    empty: 'model.file-empty',
    tooLarge: 'model.file-too-large',
    unreadable: 'model.file-unreadable',
  },
  // A risk policy named by the UI: a missing or unreadable one keeps the code readConfigText gives the CLI's files.
  config: {
    notAFile: 'config.not-a-file',
    missing: 'config.unreadable',
    empty: 'config.unreadable',
    tooLarge: 'config.file-too-large',
    unreadable: 'config.unreadable',
  },
};

export interface RegularFileRules {
  readonly domain: FileDomain;
  /** The file as messages name it, with its context: "cat.csv, line 4: image cat/1.png" or "Manifest /d/m.csv". */
  readonly subject: string;
  /** Refused above this many bytes (`<domain>.file-too-large`); no limit when absent. */
  readonly maxBytes?: number;
  /** Refused at 0 bytes (`<domain>.file-empty`). */
  readonly refuseEmpty?: boolean;
}

export interface OpenRegularFile {
  readonly handle: FileHandle;
  readonly size: number;
}

export interface OpenRegularFileSync {
  readonly descriptor: number;
  readonly size: number;
}

/** The caller closes the handle. */
export async function openRegularFile(file: string, rules: RegularFileRules): Promise<OpenRegularFile> {
  let handle: FileHandle;
  try {
    handle = await fs.promises.open(file, openFlags);
  } catch (error) {
    throw openError(error, file, rules);
  }
  try {
    const size = checkStats(await handle.stat(), file, rules);
    return { handle, size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The caller closes the descriptor (`fs.closeSync`, or hands it to a stream that closes it). */
export function openRegularFileSync(file: string, rules: RegularFileRules): OpenRegularFileSync {
  let descriptor: number;
  try {
    descriptor = fs.openSync(file, openFlags);
  } catch (error) {
    throw openError(error, file, rules);
  }
  try {
    return { descriptor, size: checkStats(fs.fstatSync(descriptor), file, rules) };
  } catch (error) {
    fs.closeSync(descriptor);
    throw error;
  }
}

/** The size of a file that passes the checks, for callers that hand the path to another reader (ONNX Runtime). */
export function regularFileSize(file: string, rules: RegularFileRules): number {
  const { descriptor, size } = openRegularFileSync(file, rules);
  fs.closeSync(descriptor);
  return size;
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

/** The whole file, after the checks; for files read once and whole (manifests, sidecars, label files). */
export function readRegularFileSync(file: string, rules: RegularFileRules): Buffer {
  const { descriptor } = openRegularFileSync(file, rules);
  try {
    return fs.readFileSync(descriptor);
  } catch (error) {
    throw openError(error, file, rules);
  } finally {
    fs.closeSync(descriptor);
  }
}

function checkStats(stats: fs.Stats, file: string, rules: RegularFileRules): number {
  const code = codes[rules.domain];
  if (stats.isDirectory()) throw new MiaError(code.notAFile, `${rules.subject} is a folder, not a file.`, { file });
  if (!stats.isFile()) {
    throw new MiaError(
      code.notAFile,
      `${rules.subject} is not a regular file (it is a FIFO, a device or a socket); only regular files are read.`,
      { file },
    );
  }
  if (rules.refuseEmpty && stats.size === 0) throw new MiaError(code.empty, `${rules.subject} is empty (0 bytes).`, { file });
  if (rules.maxBytes !== undefined && stats.size > rules.maxBytes) {
    throw new MiaError(
      code.tooLarge,
      `${rules.subject} is ${stats.size} bytes; at most ${rules.maxBytes} bytes are read per file of this kind.`,
      {
        file,
        size: stats.size,
        maxBytes: rules.maxBytes,
      },
    );
  }
  return stats.size;
}

function openError(error: unknown, file: string, rules: RegularFileRules): MiaError {
  const code = codes[rules.domain];
  const errno = (error as NodeJS.ErrnoException).code;
  if (errno === 'ENOENT') return new MiaError(code.missing, `${rules.subject} does not exist.`, { file });
  if (errno === 'EISDIR') return new MiaError(code.notAFile, `${rules.subject} is a folder, not a file.`, { file });
  // The system's words (EACCES …) name the reason, never the file's content.
  return new MiaError(code.unreadable, `${rules.subject} could not be read (${(error as Error).message}).`, { file });
}
