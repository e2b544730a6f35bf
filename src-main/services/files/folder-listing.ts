// Lists one folder on the host's disk for the browser's file picker: names, file or folder, sizes and times. It
// never opens a file (only `stat`), never recurses (a loop of symbolic links is one failed `stat`, not a hang), and
// leaves out what the picker could not import: FIFOs, sockets, devices and broken links.
import fs from 'node:fs';
import path from 'node:path';
import { maxListedEntries, type FolderEntry, type FolderListing } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';

export interface FolderListOptions {
  readonly showHidden: boolean;
  /** Defaults to the contract's limit; tests lower it. */
  readonly maxEntries?: number;
}

const statBatch = 64;

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/** The refusal for a folder that cannot be listed, by why. */
function listingError(folder: string, error: unknown): MiaError {
  switch (errnoOf(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new MiaError('files.not-found', `Folder ${folder} does not exist on the host; choose another folder.`);
    case 'ELOOP':
      return new MiaError('files.unreadable', `Folder ${folder} is a loop of symbolic links; choose another folder.`);
    case 'EACCES':
    case 'EPERM':
      return new MiaError('files.unreadable', `Folder ${folder} cannot be read with the host's permissions; choose another folder.`);
    default:
      return new MiaError('files.unreadable', `Folder ${folder} cannot be listed (${errnoOf(error) ?? 'unknown error'}).`);
  }
}

/** The root, then each folder down to `folder` (already absolute and normalised). */
function crumbsOf(folder: string): FolderListing['crumbs'] {
  const root = path.parse(folder).root;
  const crumbs = [{ name: root, path: root }];
  let current = root;
  for (const name of folder.slice(root.length).split(path.sep).filter(Boolean)) {
    current = path.join(current, name);
    crumbs.push({ name, path: current });
  }
  return crumbs;
}

/** One entry as the picker shows it, or null for what it cannot import (special files, broken or looping links). */
async function describeEntry(folder: string, dirent: fs.Dirent): Promise<FolderEntry | null> {
  const entryPath = path.join(folder, dirent.name);
  let info: fs.Stats;
  try {
    // stat follows a link to its end without opening anything; a loop fails here with ELOOP.
    info = await fs.promises.stat(entryPath);
  } catch {
    return null;
  }
  const kind = info.isDirectory() ? 'folder' : info.isFile() ? 'file' : null;
  if (!kind) return null;
  return {
    name: dirent.name,
    path: entryPath,
    kind,
    link: dirent.isSymbolicLink(),
    size: kind === 'file' ? info.size : null,
    modifiedMs: info.mtimeMs,
  };
}

function byKindThenName(a: FolderEntry, b: FolderEntry): number {
  if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
  return a.name.localeCompare(b.name, 'en', { numeric: true, sensitivity: 'base' }) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export async function listFolder(requested: string, options: FolderListOptions): Promise<FolderListing> {
  if (!path.isAbsolute(requested)) {
    throw new MiaError(
      'files.path-not-absolute',
      `files.list: path ${JSON.stringify(requested)} is not absolute; give the folder's full path on the host.`,
    );
  }
  const folder = path.resolve(requested);
  let info: fs.Stats;
  try {
    info = await fs.promises.stat(folder);
  } catch (error) {
    throw listingError(folder, error);
  }
  if (!info.isDirectory()) {
    throw new MiaError('files.not-a-folder', `${folder} is not a folder; files.list expects a folder's path.`);
  }
  const limit = options.maxEntries ?? maxListedEntries;
  const dirents: fs.Dirent[] = [];
  let truncated = false;
  try {
    // Read one past the limit to know whether anything was left out; breaking out of the loop closes the folder.
    for await (const dirent of await fs.promises.opendir(folder)) {
      if (!options.showHidden && dirent.name.startsWith('.')) continue;
      if (dirents.length === limit) {
        truncated = true;
        break;
      }
      dirents.push(dirent);
    }
  } catch (error) {
    throw listingError(folder, error);
  }
  const entries: FolderEntry[] = [];
  // A few dozen stats at a time: a full listing takes a fraction of the time one by one would, without a burst of 5,000.
  for (let start = 0; start < dirents.length; start += statBatch) {
    const described = await Promise.all(dirents.slice(start, start + statBatch).map((dirent) => describeEntry(folder, dirent)));
    for (const entry of described) if (entry) entries.push(entry);
  }
  const parent = path.dirname(folder);
  return {
    path: folder,
    parent: parent === folder ? null : parent,
    crumbs: crumbsOf(folder),
    entries: entries.sort(byKindThenName),
    truncated,
  };
}
