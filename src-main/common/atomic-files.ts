// Writes a set of files all-or-nothing: each goes to a hidden temporary name in its target's folder, is fsynced, and
// only when every one is complete are they renamed over their targets. A kill or an error before the renames leaves
// every target exactly as it was; an existing target is replaced only when the caller says so (`--force`, a confirmed
// save dialog).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MiaError } from './errors';

/** Suffix of the temporary files; a kill can leave one behind as `.<target name>.<random>.mia-partial`. */
export const partialFileSuffix = '.mia-partial';

export interface PlannedFile {
  /** Where the file ends up. */
  readonly path: string;
  /** Writes the whole content to `tempFile` (which exists and is empty); the file is fsynced afterwards. */
  readonly write: (tempFile: string) => void | Promise<void>;
}

export interface WrittenFile {
  readonly path: string;
  readonly sha256: string;
}

export function partialFileName(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}${partialFileSuffix}`);
}

/**
 * Writes every planned file, in order, then replaces the targets. Targets that already exist are refused with
 * `export.file-exists` unless `force`; they are checked before writing (to fail fast) and again just before the
 * renames (another program may have created one meanwhile). The renames themselves follow one another within
 * microseconds; each target is at every moment either its old or its new complete content.
 */
export async function writeFilesAtomically(files: readonly PlannedFile[], options: { force: boolean }): Promise<WrittenFile[]> {
  const targets = files.map((file) => path.resolve(file.path));
  const duplicate = targets.find((target, i) => targets.indexOf(target) !== i);
  if (duplicate)
    throw new MiaError('export.same-file', `Two files of this export would both be written to ${duplicate}; give them different names.`, {
      file: duplicate,
    });
  checkTargets(targets, options.force);
  const temps: string[] = [];
  try {
    const written: WrittenFile[] = [];
    for (const [i, file] of files.entries()) {
      const target = targets[i]!;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const temp = partialFileName(target);
      fs.closeSync(fs.openSync(temp, 'wx')); // exclusive: never write through a file or link that was already there
      temps.push(temp);
      await file.write(temp);
      written.push({ path: target, sha256: syncAndHash(temp) });
    }
    checkTargets(targets, options.force);
    for (const [i, temp] of temps.entries()) fs.renameSync(temp, targets[i]!);
    temps.length = 0;
    for (const folder of new Set(targets.map((target) => path.dirname(target)))) syncFolder(folder);
    return written;
  } finally {
    for (const temp of temps) fs.rmSync(temp, { force: true });
  }
}

function checkTargets(targets: readonly string[], force: boolean): void {
  for (const target of targets) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    if (stat.isDirectory())
      throw new MiaError('export.target-not-a-file', `${target} is a folder; name a file to write.`, { file: target });
    if (!force) {
      throw new MiaError(
        'export.file-exists',
        `${target} already exists; nothing was written. Confirm the overwrite (or pass --force) to replace it.`,
        { file: target },
      );
    }
  }
}

/** fsyncs a finished temporary file and returns its SHA-256, read back from the disk copy that will be renamed. */
function syncAndHash(file: string): string {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
    const hash = createHash('sha256');
    const chunk = Buffer.alloc(1 << 20);
    let read: number;
    while ((read = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0) hash.update(chunk.subarray(0, read));
    return hash.digest('hex');
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes the renames durable. Some systems (Windows) cannot open a folder for fsync; there the rename is all we have. */
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, 'r');
    fs.fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
