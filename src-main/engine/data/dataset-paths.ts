// Resolves a record's path against the dataset root and refuses anything that leaves it: `..`, absolute paths,
// and symbolic links whose target lies outside. An audit must only ever read the files the auditor pointed at.
import fs from 'node:fs';
import path from 'node:path';
import { MiaError } from '../../common/errors';

export interface ResolvedRecordPath {
  /** Path relative to the dataset root, with forward slashes: what the workspace stores. */
  readonly relative: string;
  readonly absolute: string;
}

/** The root's real path (symbolic links resolved), which every record must stay inside. */
export function realRoot(root: string): string {
  try {
    return fs.realpathSync(path.resolve(root));
  } catch {
    throw new MiaError('dataset.file-missing', `Dataset folder ${root} does not exist.`, { file: root });
  }
}

/**
 * `where` names the manifest row for messages ("manifest.csv, line 4, field path").
 * The file must exist (missing files are reported here rather than by the decoder, with a clearer message).
 */
export function resolveInsideRoot(root: string, recordPath: string, where: string): ResolvedRecordPath {
  if (recordPath.trim() === '') {
    throw new MiaError('dataset.path-empty', `${where}: the path is empty.`);
  }
  if (path.isAbsolute(recordPath) || path.win32.isAbsolute(recordPath) || recordPath.includes('\0')) {
    throw new MiaError(
      'dataset.path-outside-root',
      `${where}: path "${recordPath}" is absolute; record paths must be relative to the manifest's folder ${root}.`,
      { path: recordPath },
    );
  }
  const absolute = path.resolve(root, recordPath);
  if (!isInside(root, absolute)) {
    throw new MiaError('dataset.path-outside-root', `${where}: path "${recordPath}" points outside the dataset folder ${root}.`, {
      path: recordPath,
    });
  }
  let real: string;
  try {
    real = fs.realpathSync(absolute);
  } catch {
    throw new MiaError('dataset.file-missing', `${where}: file ${absolute} does not exist.`, { file: absolute });
  }
  if (!isInside(root, real)) {
    // The link's target is not named: it would tell whoever sees the error about files outside the dataset.
    throw new MiaError(
      'dataset.path-outside-root',
      `${where}: "${recordPath}" is a symbolic link that leads outside the dataset folder ${root}.`,
      { path: recordPath },
    );
  }
  return { relative: path.relative(root, absolute).split(path.sep).join('/'), absolute };
}

/** Strictly inside: the root itself is not a record. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
