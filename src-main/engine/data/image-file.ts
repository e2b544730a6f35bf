// Checks one image file for import: it exists, is not empty, is PNG/JPEG/WebP of a sane size, decodes
// completely; returns its SHA-256, size, channel count and a small PNG thumbnail.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { MiaError } from '../../common/errors';
import { maxImagePixels, maxImageSide, supportedImageFormats } from './image-limits';
import { rawThumbnail } from './raw-thumbnail';

export interface ProbedImage {
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly thumbnail: Buffer;
}

export async function probeImageFile(file: string, where: string): Promise<ProbedImage> {
  const bytes = await readImageBytes(file, where);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const { width, height, channels } = await readHeader(bytes, file, where);
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    // A full decode: a truncated or corrupt file fails here instead of during an attack.
    decoded = await sharp(bytes, { limitInputPixels: maxImagePixels, failOn: 'truncated' }).raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new MiaError('dataset.image-undecodable', `${where}: image ${file} does not decode completely (${oneLine(error)}). The file may be truncated or corrupt.`, { file });
  }
  const pixels = keepChannels(new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength), decoded.info.channels, channels);
  // From the decoded pixels: a second sharp pass over the file would cost more than the decode itself.
  const thumbnail = await rawThumbnail(pixels, width, height, channels);
  return { sha256, width, height, channels, thumbnail };
}

/**
 * sharp always hands back 8-bit sRGB; grey images come back with R = G = B, so keep R (and alpha) to return
 * the channel count the file has.
 */
export function keepChannels(pixels: Uint8Array, have: number, wanted: number): Uint8Array {
  if (have === wanted) return pixels;
  const count = pixels.length / have;
  const out = new Uint8Array(count * wanted);
  for (let i = 0; i < count; i += 1) {
    out[i * wanted] = pixels[i * have] as number;
    if (wanted === 2) out[i * 2 + 1] = pixels[i * have + have - 1] as number;
  }
  return out;
}

export async function readImageBytes(file: string, where: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new MiaError('dataset.file-missing', `${where}: image ${file} does not exist.`, { file });
    if (code === 'EISDIR') throw new MiaError('dataset.not-a-file', `${where}: ${file} is a folder, not an image.`, { file });
    throw new MiaError('dataset.read-failed', `${where}: could not read ${file} (${(error as Error).message}).`, { file });
  }
  if (bytes.length === 0) throw new MiaError('dataset.file-empty', `${where}: image ${file} is empty (0 bytes).`, { file });
  return bytes;
}

async function readHeader(bytes: Buffer, file: string, where: string): Promise<{ width: number; height: number; channels: number }> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new MiaError('dataset.image-undecodable', `${where}: ${file} is not a readable image (${oneLine(error)}).`, { file });
  }
  const format = metadata.format;
  if (!(supportedImageFormats as readonly string[]).includes(format)) {
    throw new MiaError('dataset.image-format', `${where}: ${file} is a ${format} image; the workbench imports ${supportedImageFormats.join(', ')}.`, { file, format });
  }
  const { width, height } = metadata;
  const channels = decodedChannels(metadata);
  if (!width || !height || !channels) {
    throw new MiaError('dataset.image-undecodable', `${where}: ${file} has no width, height or channel count in its header.`, { file });
  }
  if (width > maxImageSide || height > maxImageSide || width * height > maxImagePixels) {
    throw new MiaError(
      'dataset.image-too-large',
      `${where}: ${file} claims to be ${width} × ${height} pixels; the workbench accepts at most ${maxImageSide} px a side and ${maxImagePixels / 1e6} megapixels.`,
      { file, width, height },
    );
  }
  return { width, height, channels };
}

/**
 * Channels of the pixels `loadPixels` returns: grey (1) and grey+alpha (2) stay as they are; everything else is
 * decoded to 8-bit sRGB, with alpha (4) or without (3) — so a CMYK JPEG counts as 3.
 */
export function decodedChannels(metadata: Pick<Metadata, 'channels' | 'hasAlpha'>): number {
  if (!metadata.channels) return 0;
  if (metadata.channels <= 2) return metadata.channels;
  return metadata.hasAlpha ? 4 : 3;
}

/** sharp's messages span lines (decoder, then encoder); the first line is the one that explains. */
function oneLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0] ?? '';
}
