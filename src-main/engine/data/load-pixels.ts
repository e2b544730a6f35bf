// Loads a record's pixels for an attack: decoded, 8-bit, interleaved (height × width × channels). The bytes are
// re-hashed first, and a file that changed or vanished since import is an error, never silently used.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DatasetSourceKind } from '../../../src-shared/domain/records';
import { MiaError } from '../../common/errors';
import { openRegularFileSync } from '../../common/regular-file';
import { isGzipDescriptor } from './byte-stream';
import { cifarInterleave, cifarLabelBytes, cifarPixelBytes, cifarSide, type CifarVariant } from './cifar';
import { imageLayout, parseIdxHeader, readIdxFileWhole, type IdxImageLayout } from './idx';
import { decodeImageBytes, type DecodedImage } from './decode-image';
import { readImageBytes } from './image-file';

/** The fields of a stored record the loader needs (an `AttackRecord` or a `RunRecord` fits). */
export interface PixelRecord {
  /** Absolute path of the image or of the IDX/CIFAR container. */
  readonly path: string;
  readonly sourceIndex: number | null;
  readonly sha256: string;
  readonly key?: string;
  /** Which container format; guessed from the file when absent. */
  readonly sourceKind?: DatasetSourceKind;
}

/** Pixels as every loader returns them (the one shape image files, IDX and CIFAR records share). */
export type DecodedPixels = DecodedImage;

export interface PixelLoader {
  load(record: PixelRecord): Promise<DecodedPixels>;
  /** Drops cached container files. */
  clear(): void;
}

/** A container's (un-gzipped) bytes as the record readers use them: its length and any range of it. */
interface ContainerBytes {
  readonly length: number;
  range(start: number, end: number): Uint8Array;
}

interface CachedContainer {
  readonly size: number;
  readonly mtimeMs: number;
  readonly bytes: ContainerBytes;
}

/** Enough for any IDX header (4 magic bytes and at most 4 dimensions of 4 bytes), kept for plain containers. */
const containerHeadBytes = 20;

/**
 * A loader for IDX/CIFAR records. A gzip container is kept in memory decompressed (the last few of them), so loading
 * thousands of records from one 47 MB file unpacks it once. A plain container is never read whole: each record is
 * read at its offset, so a million-record IDX file (784 MB) costs no more memory than a small one. Cache entries are
 * dropped when the file's size or time stamp changes.
 */
export function createPixelLoader(maxCachedContainers = 2): PixelLoader {
  const cache = new Map<string, CachedContainer>();
  const containerBytes = (file: string, what: string): ContainerBytes => {
    const stat = statOrMissing(file, what);
    const hit = cache.get(file);
    if (hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs) {
      cache.delete(file);
      cache.set(file, hit);
      return hit.bytes;
    }
    const bytes = openContainer(file, `${what}: file ${file}`);
    cache.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, bytes });
    while (cache.size > maxCachedContainers) cache.delete(cache.keys().next().value as string);
    return bytes;
  };
  return {
    async load(record) {
      const what = describe(record);
      if (record.sourceIndex === null) return loadImageFile(record, what);
      const bytes = containerBytes(record.path, what);
      const kind = record.sourceKind === 'idx' || record.sourceKind === 'cifar' ? record.sourceKind : guessContainer(bytes, record.path);
      return kind === 'idx' ? idxPixels(bytes, record, what) : cifarPixels(bytes, record, what);
    },
    clear() {
      cache.clear();
    },
  };
}

/** One record, no caching: fine for a single image, wasteful for many container records (use a loader). */
export function loadPixels(record: PixelRecord): Promise<DecodedPixels> {
  return createPixelLoader(1).load(record);
}

async function loadImageFile(record: PixelRecord, what: string): Promise<DecodedPixels> {
  // Checked with `stat` before reading (regular file, within the per-image limit), so the hash never reads an unbounded file.
  const bytes = await readImageBytes(record.path, what);
  assertSameHash(bytes, record, what);
  return decodeImageBytes(bytes, record.path, what);
}

/** Opens a container: a gzip file is unpacked whole (bounded by maxContainerBytes), a plain one is read by range. */
function openContainer(file: string, subject: string): ContainerBytes {
  const { descriptor, size } = openRegularFileSync(file, { domain: 'dataset', subject });
  try {
    if (isGzipDescriptor(descriptor)) {
      const bytes = readIdxFileWhole(file, subject);
      return { length: bytes.length, range: (start, end) => bytes.subarray(start, end) };
    }
    const head = readRange(descriptor, 0, Math.min(size, containerHeadBytes));
    return {
      length: size,
      // The file is opened for each record rather than held open: the loader has no end of life to close it at.
      range(start, end) {
        if (end <= head.length) return head.subarray(start, end);
        const { descriptor: opened } = openRegularFileSync(file, { domain: 'dataset', subject });
        try {
          return readRange(opened, start, end - start);
        } finally {
          fs.closeSync(opened);
        }
      },
    };
  } finally {
    fs.closeSync(descriptor);
  }
}

/** Up to `length` bytes at `position`; fewer when the file has shrunk (the hash check then reports the change). */
function readRange(descriptor: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const read = fs.readSync(descriptor, buffer, filled, length - filled, position + filled);
    if (read === 0) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}

function idxPixels(bytes: ContainerBytes, record: PixelRecord, what: string): DecodedPixels {
  let layout: IdxImageLayout;
  try {
    layout = imageLayout(parseIdxHeader(bytes.range(0, containerHeadBytes), record.path, [3, 4]), record.path);
  } catch (error) {
    throw changed(record, what, `it is no longer a readable IDX file (${(error as Error).message})`);
  }
  const index = record.sourceIndex as number;
  const start = layout.headerBytes + index * layout.itemBytes;
  if (index >= layout.count || start + layout.itemBytes > bytes.length) throw changed(record, what, `it no longer holds item ${index}`);
  const pixels = bytes.range(start, start + layout.itemBytes);
  assertSameHash(pixels, record, what);
  return { data: Uint8Array.from(pixels), width: layout.width, height: layout.height, channels: layout.channels };
}

function cifarPixels(bytes: ContainerBytes, record: PixelRecord, what: string): DecodedPixels {
  const index = record.sourceIndex as number;
  // The layout is not stored with the record; the variant whose record at this index has the stored hash is the one.
  for (const variant of ['cifar-10', 'cifar-100'] as CifarVariant[]) {
    const labelBytes = cifarLabelBytes(variant);
    const recordBytes = cifarPixelBytes + labelBytes;
    if (bytes.length % recordBytes !== 0 || (index + 1) * recordBytes > bytes.length) continue;
    const start = index * recordBytes + labelBytes;
    const pixels = bytes.range(start, start + cifarPixelBytes);
    if (sha256(pixels) === record.sha256) return { data: cifarInterleave(pixels), width: cifarSide, height: cifarSide, channels: 3 };
  }
  throw changed(record, what, 'its pixels no longer match the SHA-256 recorded at import');
}

/** IDX when the header parses and agrees with the size; otherwise CIFAR (whose hash check then decides). */
function guessContainer(bytes: ContainerBytes, file: string): 'idx' | 'cifar' {
  try {
    const header = parseIdxHeader(bytes.range(0, containerHeadBytes), file, [3, 4]);
    return header.headerBytes + header.count * header.itemBytes === bytes.length ? 'idx' : 'cifar';
  } catch {
    return 'cifar';
  }
}

function assertSameHash(bytes: Uint8Array, record: PixelRecord, what: string): void {
  if (sha256(bytes) !== record.sha256) throw changed(record, what, 'its SHA-256 no longer matches the one recorded at import');
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function statOrMissing(file: string, what: string): fs.Stats {
  try {
    return fs.statSync(file);
  } catch {
    throw new MiaError('dataset.file-missing', `${what}: file ${file} is missing; it was there when the dataset was imported.`, { file });
  }
}

function describe(record: PixelRecord): string {
  const name = path.basename(record.path);
  const at = record.sourceIndex === null ? name : `${name}[${record.sourceIndex}]`;
  return record.key === undefined ? `Record ${at}` : `Record ${record.key} (${at})`;
}

function changed(record: PixelRecord, what: string, why: string): MiaError {
  return new MiaError(
    'dataset.file-changed',
    `${what}: ${record.path} changed since import (${why}). Re-import the dataset to use the new file.`,
    {
      file: record.path,
      sourceIndex: record.sourceIndex,
    },
  );
}
