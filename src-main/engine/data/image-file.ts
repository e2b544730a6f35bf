// Checks one image file for import: a regular file, not empty and not over the per-image byte limit (from `stat`,
// before reading), PNG/JPEG/WebP whose header (read from the first bytes) gives a sane size, decoding completely;
// returns its SHA-256, size, channel count and a small PNG thumbnail.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import sharp, { type Metadata } from 'sharp';
import { MiaError } from '../../common/errors';
import { openRegularFile, openRegularFileSync, readRange, type RegularFileRules } from '../../common/regular-file';
import { decodeImageBytes, decodedChannels, firstLineOf } from './decode-image';
import { assertImageDimensionsAllowed, imageHeaderProbeBytes, maxImageFileBytes, supportedImageFormats } from './image-limits';
import { rawThumbnail } from './raw-thumbnail';

export interface ProbedImage {
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly thumbnail: Buffer;
}

export async function probeImageFile(file: string, where: string): Promise<ProbedImage> {
  const bytes = await readImageBytes(file, where, { headerFirst: true });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const { width, height, channels } = checkHeader(await metadataOf(bytes, file, where), file, where);
  const decoded = await decodeImageBytes(bytes, file, where);
  if (decoded.width !== width || decoded.height !== height || decoded.channels !== channels) {
    throw new MiaError(
      'dataset.image-undecodable',
      `${where}: image ${file} decodes to ${decoded.width} × ${decoded.height} × ${decoded.channels}, not the ${width} × ${height} × ${channels} its header gives.`,
      { file },
    );
  }
  // From the decoded pixels: a second sharp pass over the file would cost more than the decode itself.
  const thumbnail = await rawThumbnail(decoded.data, width, height, channels);
  return { sha256, width, height, channels, thumbnail };
}

/**
 * The whole file, read only after `stat` showed a regular, non-empty file within `maxImageFileBytes`. With
 * `headerFirst`, the header is checked on the first `imageHeaderProbeBytes` when it is there, so a file claiming
 * too many pixels is refused before the rest is read.
 */
export async function readImageBytes(file: string, where: string, options: { headerFirst?: boolean } = {}): Promise<Buffer> {
  const rules: RegularFileRules = { domain: 'dataset', subject: `${where}: image ${file}`, maxBytes: maxImageFileBytes, refuseEmpty: true };
  // A run's records are read on the calling thread: open, fstat, read and close through libuv's pool are four
  // round trips per file, about five times the cost of the same calls made directly on a small image (bench/README.md,
  // "Profile"), and the engine host's thread waits for its model runs just the same.
  if (!options.headerFirst) return readWholeSync(file, rules);
  const { handle, size } = await openRegularFile(file, rules);
  try {
    if (size > imageHeaderProbeBytes) {
      const early = await sharp(await readRange(handle, 0, imageHeaderProbeBytes), { limitInputPixels: false })
        .metadata()
        .catch(() => null);
      if (early) checkHeader(early, file, where);
    }
    return await readRange(handle, 0, size);
  } finally {
    await handle.close();
  }
}

/** The `size` bytes `stat` allowed (fewer if the file shrank; the hash check then reports the change). */
function readWholeSync(file: string, rules: RegularFileRules): Buffer {
  const { descriptor, size } = openRegularFileSync(file, rules);
  try {
    const out = Buffer.alloc(size);
    let filled = 0;
    while (filled < size) {
      const read = fs.readSync(descriptor, out, filled, size - filled, filled);
      if (read === 0) break;
      filled += read;
    }
    return filled === size ? out : out.subarray(0, filled);
  } finally {
    fs.closeSync(descriptor);
  }
}

async function metadataOf(bytes: Buffer, file: string, where: string): Promise<Metadata> {
  try {
    return await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new MiaError('dataset.image-undecodable', `${where}: ${file} is not a readable image (${firstLineOf(error)}).`, { file });
  }
}

function checkHeader(metadata: Metadata, file: string, where: string): { width: number; height: number; channels: number } {
  const format = metadata.format;
  if (!(supportedImageFormats as readonly string[]).includes(format)) {
    throw new MiaError(
      'dataset.image-format',
      `${where}: ${file} is a ${format} image; the workbench imports ${supportedImageFormats.join(', ')}.`,
      { file, format },
    );
  }
  const { width, height } = metadata;
  const channels = decodedChannels(metadata);
  if (!width || !height || !channels) {
    throw new MiaError('dataset.image-undecodable', `${where}: ${file} has no width, height or channel count in its header.`, { file });
  }
  assertImageDimensionsAllowed(width, height, file, where);
  return { width, height, channels };
}
