// IDX files (MNIST, Fashion-MNIST): header parsing and validation, item streaming for import, and the layout
// needed to find one item again. Only unsigned-byte data (type 0x08) is accepted: that is what image sets use.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { MiaError } from '../../common/errors';
import { openRegularFileSync, readRegularFileSync } from '../../common/regular-file';
import { ByteStream, isGzipDescriptor } from './byte-stream';
import { maxContainerBytes, maxImagePixels, maxImageSide } from './image-limits';

export interface IdxHeader {
  readonly dims: number[];
  /** Bytes before the first item: 4 magic bytes plus 4 per dimension. */
  readonly headerBytes: number;
  readonly count: number;
  readonly itemBytes: number;
}

export interface IdxImageLayout extends IdxHeader {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

const otherIdxTypes: Record<number, string> = { 0x09: 'signed byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };

/** Parses and checks the header at the start of `bytes` (the file's first bytes after any gzip). */
export function parseIdxHeader(bytes: Uint8Array, file: string, expectedDims: readonly number[]): IdxHeader {
  const name = path.basename(file);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new MiaError('dataset.idx-bad-magic', `${name} is not an IDX file: it does not start with the IDX magic number (00 00 08 0N).`, {
      file,
    });
  }
  const type = bytes[2] as number;
  if (type !== 0x08) {
    const known = otherIdxTypes[type];
    throw new MiaError(
      known ? 'dataset.idx-unsupported-type' : 'dataset.idx-bad-magic',
      known
        ? `${name} holds ${known} values; the workbench imports IDX files of unsigned bytes (type 0x08).`
        : `${name} is not an IDX file: data type byte 0x${type.toString(16)} is unknown.`,
      { file },
    );
  }
  const ndims = bytes[3] as number;
  if (!expectedDims.includes(ndims)) {
    throw new MiaError('dataset.idx-bad-magic', `${name} has ${ndims} dimensions; expected ${expectedDims.join(' or ')} here.`, {
      file,
      ndims,
    });
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) throw new MiaError('dataset.idx-truncated', `${name} ends inside its header.`, { file });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = dims[0] as number;
  const itemBytes = dims.slice(1).reduce((a, b) => a * b, 1);
  return { dims, headerBytes, count, itemBytes };
}

/** Reads just the header of an IDX file (gzip or not). */
export async function readIdxHeader(file: string, expectedDims: readonly number[]): Promise<IdxHeader> {
  const stream = ByteStream.open(file, `IDX file ${file}`);
  try {
    const head = await readOrFail(stream, 4, file, 0, true);
    const ndims = head[3] as number;
    const rest = await readOrFail(stream, 4 * Math.min(ndims, 8), file, 0, true);
    return parseIdxHeader(Buffer.concat([head, rest]), file, expectedDims);
  } finally {
    await stream.close();
  }
}

export function imageLayout(header: IdxHeader, file: string): IdxImageLayout {
  const [, height = 0, width = 0, channels = 1] = header.dims;
  const name = path.basename(file);
  if (width === 0 || height === 0 || width > maxImageSide || height > maxImageSide || width * height > maxImagePixels) {
    throw new MiaError(
      'dataset.image-too-large',
      `${name}: images of ${width} × ${height} pixels are outside what the workbench accepts (1–${maxImageSide} px a side).`,
      { file },
    );
  }
  if (![1, 3, 4].includes(channels)) {
    throw new MiaError('dataset.idx-bad-magic', `${name}: ${channels} channels per pixel; expected 1, 3 or 4.`, { file });
  }
  return { ...header, width, height, channels };
}

/** Checks an uncompressed file's size against its header (gzip files are checked while streaming). */
export function assertIdxSize(file: string, header: IdxHeader): void {
  const { descriptor, size: actual } = openRegularFileSync(file, { domain: 'dataset', subject: `IDX file ${file}` });
  let gzip: boolean;
  try {
    gzip = isGzipDescriptor(descriptor);
  } finally {
    fs.closeSync(descriptor);
  }
  if (gzip) return;
  const expected = header.headerBytes + header.count * header.itemBytes;
  if (actual !== expected) {
    throw new MiaError(
      'dataset.idx-size',
      `${path.basename(file)} is ${actual} bytes, but its header describes ${header.count} items of ${header.itemBytes} bytes (${expected} bytes in all); the file is ${actual < expected ? 'truncated' : 'followed by extra data'}.`,
      { file, expected, actual },
    );
  }
}

/** Streams the items of an IDX file in groups of up to `groupSize`, checking that the file ends exactly after them. */
export async function* streamIdxItems(file: string, header: IdxHeader, groupSize: number): AsyncGenerator<Buffer[]> {
  const stream = ByteStream.open(file, `IDX file ${file}`);
  try {
    await stream.read(header.headerBytes);
    for (let start = 0; start < header.count; start += groupSize) {
      const n = Math.min(groupSize, header.count - start);
      const block = await readOrFail(stream, n * header.itemBytes, file, start);
      yield Array.from({ length: n }, (_, i) => block.subarray(i * header.itemBytes, (i + 1) * header.itemBytes));
    }
    if (!(await atEndOrFail(stream, file))) {
      throw new MiaError(
        'dataset.idx-size',
        `${path.basename(file)} has data after its ${header.count} items; the header and the file disagree.`,
        { file },
      );
    }
  } finally {
    await stream.close();
  }
}

/**
 * A whole container file, un-gzipped: an IDX label file at import, an IDX or CIFAR container when a run loads its
 * records. Opened through the regular-file check; `subject` names the file in its errors ("IDX label file /d/l").
 */
export function readIdxFileWhole(file: string, subject: string): Buffer {
  const bytes = readRegularFileSync(file, { domain: 'dataset', subject });
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: maxContainerBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new MiaError(
        'dataset.file-too-large',
        `${path.basename(file)} unpacks to more than ${maxContainerBytes / 2 ** 20} MiB, the most an IDX file may hold.`,
        { file },
      );
    }
    throw new MiaError('dataset.idx-corrupt', `${path.basename(file)} is not a valid gzip file (${(error as Error).message}).`, { file });
  }
}

/** With `partialOk`, a short read is returned as is (the header parser then names the problem). */
async function readOrFail(stream: ByteStream, size: number, file: string, firstItem: number, partialOk = false): Promise<Buffer> {
  let block: Buffer;
  try {
    block = await stream.read(size);
  } catch (error) {
    throw new MiaError('dataset.idx-corrupt', `${path.basename(file)} could not be read (${(error as Error).message}).`, { file });
  }
  if (block.length < size && !partialOk) {
    throw new MiaError('dataset.idx-size', `${path.basename(file)} ends early, near item ${firstItem}; the file is truncated.`, { file });
  }
  return block;
}

async function atEndOrFail(stream: ByteStream, file: string): Promise<boolean> {
  try {
    return await stream.atEnd();
  } catch (error) {
    throw new MiaError('dataset.idx-corrupt', `${path.basename(file)} could not be read (${(error as Error).message}).`, { file });
  }
}
