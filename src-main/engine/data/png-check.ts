// Checks a PNG's structure before anything decodes it: every chunk's CRC-32, a valid IHDR first, an IEND, and image
// data that inflates to exactly the bytes the header implies. The inflate stops at that size, so a small file
// whose zlib stream would inflate to gigabytes behind a 28 × 28 header is refused having used one image's worth
// of memory. Import runs it before sharp decodes (sharp reads only the rows it needs, so it would accept such a
// file); a run uses the scanlines it returns for the direct decoder.
import zlib from 'node:zlib';
import { MiaError } from '../../common/errors';
import { assertImageDimensionsAllowed } from './image-limits';

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colourType: number;
  readonly interlaced: boolean;
}

export interface CheckedPng {
  readonly header: PngHeader;
  /** Every chunk type seen before IEND. */
  readonly chunkTypes: ReadonlySet<string>;
  /** The inflated image data: filter byte + row, per row (per pass when interlaced); exactly as long as the header implies. */
  readonly scanlines: Buffer;
}

const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const samplesOfColourType: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const depthsOfColourType: Readonly<Record<number, readonly number[]>> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};
/** Adam7 passes: first column, first row, column step, row step. */
const adam7Passes = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= signature.length && signature.every((value, i) => bytes[i] === value);
}

/** `where` names the record for messages ("manifest.csv, line 4"); nothing of the file's content is quoted. */
export function checkPng(bytes: Uint8Array, file: string, where: string): CheckedPng {
  const corrupt = (why: string): MiaError =>
    new MiaError('dataset.image-undecodable', `${where}: PNG ${file} is corrupt: ${why}.`, { file });
  if (!hasPngSignature(bytes)) throw corrupt('it does not start with the PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunkTypes = new Set<string>();
  const imageData: Uint8Array[] = [];
  let header: PngHeader | undefined;
  let ended = false;
  let offset = signature.length;
  while (offset < bytes.length && !ended) {
    if (offset + 12 > bytes.length) throw corrupt(`it ends inside the chunk at byte ${offset}; the file is truncated`);
    const length = view.getUint32(offset);
    if (length > 0x7fffffff || offset + 12 + length > bytes.length)
      throw corrupt(`the chunk at byte ${offset} runs past the end of the file; the file is truncated`);
    const typeBytes = bytes.subarray(offset + 4, offset + 8);
    if (!typeBytes.every(isAsciiLetter)) throw corrupt(`the chunk at byte ${offset} has no valid chunk type`);
    const type = Buffer.from(typeBytes).toString('latin1');
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (zlib.crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== view.getUint32(offset + 8 + length)) {
      throw corrupt(`chunk ${type} at byte ${offset} fails its CRC-32 check`);
    }
    if (offset === signature.length && type !== 'IHDR') throw corrupt('its first chunk is not IHDR');
    if (type === 'IHDR') {
      if (header) throw corrupt('it has two IHDR chunks');
      header = parseHeader(body, corrupt);
    } else if (type === 'IDAT') {
      imageData.push(body);
    } else if (type === 'IEND') {
      ended = true;
    }
    chunkTypes.add(type);
    offset += 12 + length;
  }
  if (!header) throw corrupt('it has no IHDR chunk');
  if (!ended) throw corrupt('it has no IEND chunk; the file is truncated');
  if (imageData.length === 0) throw corrupt('it has no image data (IDAT chunk)');
  assertImageDimensionsAllowed(header.width, header.height, file, where);
  const expected = scanlineBytes(header);
  let scanlines: Buffer;
  try {
    // Inflating stops once the output would pass `expected`, so memory never exceeds what the header implies.
    scanlines = zlib.inflateSync(Buffer.concat(imageData), { maxOutputLength: expected });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new MiaError(
        'dataset.image-excess-data',
        `${where}: PNG ${file} holds more image data than its ${header.width} × ${header.height} header implies (more than ${expected} bytes once inflated); the file is corrupt or crafted.`,
        { file, width: header.width, height: header.height, expectedBytes: expected },
      );
    }
    throw corrupt('its image data is not a complete zlib stream');
  }
  if (scanlines.length < expected)
    throw corrupt(`its image data ends after ${scanlines.length} of the ${expected} bytes its header implies`);
  return { header, chunkTypes, scanlines };
}

/** Bytes of inflated image data a header implies: a filter byte plus the packed samples, per row of each pass. */
export function scanlineBytes(header: PngHeader): number {
  const bitsPerPixel = header.bitDepth * (samplesOfColourType[header.colourType] ?? 0);
  const rowBytes = (width: number): number => 1 + Math.ceil((width * bitsPerPixel) / 8);
  if (!header.interlaced) return header.height * rowBytes(header.width);
  let total = 0;
  for (const [firstColumn, firstRow, columnStep, rowStep] of adam7Passes) {
    const width = Math.ceil((header.width - firstColumn) / columnStep);
    const height = Math.ceil((header.height - firstRow) / rowStep);
    if (width > 0 && height > 0) total += height * rowBytes(width);
  }
  return total;
}

function parseHeader(body: Uint8Array, corrupt: (why: string) => MiaError): PngHeader {
  if (body.length !== 13) throw corrupt(`its IHDR chunk is ${body.length} bytes; it must be 13`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colourType, compression, filter, interlace] = [body[8]!, body[9]!, body[10]!, body[11]!, body[12]!];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff)
    throw corrupt(`its header gives a size of ${width} × ${height}`);
  if (!depthsOfColourType[colourType]?.includes(bitDepth))
    throw corrupt(`its header gives bit depth ${bitDepth} for colour type ${colourType}, which PNG does not allow`);
  if (compression !== 0 || filter !== 0 || interlace > 1)
    throw corrupt('its header names a compression, filter or interlace method PNG does not define');
  return { width, height, bitDepth, colourType, interlaced: interlace === 1 };
}

function isAsciiLetter(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}
