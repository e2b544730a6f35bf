// Decodes one image file's bytes to 8-bit interleaved pixels (height × width × channels), the one way both import
// and runs do it: a PNG is first checked (chunk CRCs, image data inflating to exactly what its header implies) and,
// when it is the simple kind, decoded directly from the checked scanlines; anything else goes through sharp.
import sharp, { type Metadata } from 'sharp';
import { MiaError } from '../../common/errors';
import { maxImagePixels } from './image-limits';
import { checkPng, hasPngSignature } from './png-check';
import { decodeSimplePng } from './png-fast-decode';

export interface DecodedImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

/** `where` names the record for messages ("manifest.csv, line 4"). */
export async function decodeImageBytes(bytes: Buffer, file: string, where: string): Promise<DecodedImage> {
  if (hasPngSignature(bytes)) {
    const simple = decodeSimplePng(checkPng(bytes, file, where));
    if (simple) return simple;
  }
  try {
    // A full decode: a truncated or corrupt file fails here instead of part-way through an attack.
    const image = sharp(bytes, { limitInputPixels: maxImagePixels, failOn: 'truncated' });
    const wanted = decodedChannels(await image.metadata());
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return { data: keepChannels(pixels, info.channels, wanted), width: info.width, height: info.height, channels: wanted };
  } catch (error) {
    throw new MiaError(
      'dataset.image-undecodable',
      `${where}: image ${file} does not decode completely (${firstLineOf(error)}). The file may be truncated or corrupt.`,
      { file },
    );
  }
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

/**
 * Channels of the pixels `decodeImageBytes` returns: grey (1) and grey+alpha (2) stay as they are; everything else
 * is decoded to 8-bit sRGB, with alpha (4) or without (3) — so a CMYK JPEG counts as 3.
 */
export function decodedChannels(metadata: Pick<Metadata, 'channels' | 'hasAlpha'>): number {
  if (!metadata.channels) return 0;
  if (metadata.channels <= 2) return metadata.channels;
  return metadata.hasAlpha ? 4 : 3;
}

/** sharp's messages span lines (decoder, then encoder); the first line is the one that explains. */
export function firstLineOf(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0] ?? '';
}
