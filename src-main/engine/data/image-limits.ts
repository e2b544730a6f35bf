// Limits on image size, checked from the header before any pixels are decoded, so a crafted file that claims
// to be 100,000 × 100,000 cannot make the workbench allocate gigabytes.
export const maxImageSide = 16_384;
export const maxImagePixels = 100_000_000;
/** Longest side of the PNG thumbnails stored for the UI grid. */
export const thumbnailSide = 64;
/** The formats sharp decodes for us; anything else in a manifest is refused by name. */
export const supportedImageFormats = ['png', 'jpeg', 'webp'] as const;
export const imageFileExtensions = ['.png', '.jpg', '.jpeg', '.webp'] as const;
