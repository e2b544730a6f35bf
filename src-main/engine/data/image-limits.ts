// Limits on image files, checked before any pixels are decoded: the file's size from `stat` before a byte is read,
// its width and height from the header, so a crafted file that claims to be 100,000 × 100,000 (or a sparse file
// of a gigabyte) cannot make the workbench allocate gigabytes.
import { MiaError } from '../../common/errors';

export const maxImageSide = 16_384;
export const maxImagePixels = 100_000_000;
/**
 * Largest image file read, per image (64 MiB): far above any image a vision model is audited on (a 4,096 × 4,096
 * RGBA PNG stored uncompressed is 64 MiB), and small enough that a few decoded at once stay well within memory.
 */
export const maxImageFileBytes = 64 * 1024 * 1024;
/**
 * Bytes read first to check an image's header. PNG and most JPEG headers fit; a header that does not (a large
 * EXIF block, WebP, which libwebp wants whole) is checked on the whole file, which `maxImageFileBytes` bounds.
 */
export const imageHeaderProbeBytes = 64 * 1024;
/**
 * The most bytes an IDX container may hold once un-gzipped. A run reads a container whole (it is cached per run), so
 * a gzip bomb must stop here rather than at the end of memory; the largest IDX sets in use (EMNIST) are well below.
 */
export const maxContainerBytes = 1024 * 1024 * 1024;
/** Longest side of the PNG thumbnails stored for the UI grid. */
export const thumbnailSide = 64;
/** The formats sharp decodes for us; anything else in a manifest is refused by name. */
export const supportedImageFormats = ['png', 'jpeg', 'webp'] as const;
export const imageFileExtensions = ['.png', '.jpg', '.jpeg', '.webp'] as const;

/** Refuses a header whose size is over the limits, before anything the size implies is allocated. */
export function assertImageDimensionsAllowed(width: number, height: number, file: string, where: string): void {
  if (width > maxImageSide || height > maxImageSide || width * height > maxImagePixels) {
    throw new MiaError(
      'dataset.image-too-large',
      `${where}: ${file} claims to be ${width} × ${height} pixels; the workbench accepts at most ${maxImageSide} px a side and ${maxImagePixels / 1e6} megapixels.`,
      { file, width, height },
    );
  }
}
