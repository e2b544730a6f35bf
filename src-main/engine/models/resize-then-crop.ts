// torchvision's Resize + CenterCrop (and Hugging Face's resize + center_crop) on 8-bit planar images: the size the
// resize aims at, the resize itself (Pillow's, see pil-resample.ts) and the centre crop, padding with black.
import { resizeLikePil, type BytePlanes } from './pil-resample';
import type { ResizeThenCrop } from './preprocess-spec';
import { roundHalfEven } from './resize';

/**
 * torchvision's _compute_resized_output_size (and Hugging Face's get_resize_output_image_size): the shorter edge
 * becomes S and the longer int(S · long / short), truncated.
 */
export function resizedSize(width: number, height: number, resizeTo: ResizeThenCrop['resizeTo']): { width: number; height: number } {
  if (resizeTo === 'none') return { width, height };
  if (!('shorterEdge' in resizeTo)) return { width: resizeTo.width, height: resizeTo.height };
  const size = resizeTo.shorterEdge;
  const longer = Math.trunc((size * Math.max(width, height)) / Math.min(width, height));
  return width <= height ? { width: size, height: longer } : { width: longer, height: size };
}

/** Offset of the crop in the source along one axis; negative when the crop is larger and the image is padded. */
function cropOffset(source: number, crop: number, align: ResizeThenCrop['cropAlign']): number {
  if (align === 'hugging-face') return Math.floor((source - crop) / 2);
  // torchvision pads (crop − source) // 2 on the near side, then crops at round((source − crop) / 2).
  return source >= crop ? roundHalfEven((source - crop) / 2) : -Math.floor((crop - source) / 2);
}

export function centreCropBytes(image: BytePlanes, width: number, height: number, align: ResizeThenCrop['cropAlign']): BytePlanes {
  if (image.width === width && image.height === height) return image;
  const left = cropOffset(image.width, width, align);
  const top = cropOffset(image.height, height, align);
  const planes = image.planes.map((plane) => {
    const out = new Uint8Array(width * height);
    for (let y = 0; y < height; y += 1) {
      const sourceY = top + y;
      if (sourceY < 0 || sourceY >= image.height) continue;
      for (let x = 0; x < width; x += 1) {
        const sourceX = left + x;
        if (sourceX >= 0 && sourceX < image.width) out[y * width + x] = plane[sourceY * image.width + sourceX] as number;
      }
    }
    return out;
  });
  return { width, height, planes };
}

/** Resize as `resize` says, then crop the centre to width×height. */
export function resizeThenCrop(image: BytePlanes, resize: ResizeThenCrop, width: number, height: number): BytePlanes {
  const target = resizedSize(image.width, image.height, resize.resizeTo);
  const resized = resizeLikePil(image, target.width, target.height, resize.filter);
  return centreCropBytes(resized, width, height, resize.cropAlign);
}
