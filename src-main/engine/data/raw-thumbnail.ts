// Thumbnails of records stored as raw pixels inside a container (IDX, CIFAR): encoded directly when small enough,
// shrunk with sharp otherwise.
import sharp from 'sharp';
import { thumbnailSide } from './image-limits';
import { encodePng } from './png-encode';

export async function rawThumbnail(pixels: Uint8Array, width: number, height: number, channels: number): Promise<Buffer> {
  if (width <= thumbnailSide && height <= thumbnailSide) return encodePng(pixels, width, height, channels);
  return sharp(pixels, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } })
    .resize(thumbnailSide, thumbnailSide, { fit: 'inside' })
    .png()
    .toBuffer();
}
