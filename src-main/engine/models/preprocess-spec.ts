// The preprocessing a model expects, stored with the model: size, resize mode, channels, scaling, layout.
import { z } from 'zod';

export const ResizeMode = z.enum(['stretch', 'shorter-side-crop']);
export type ResizeMode = z.infer<typeof ResizeMode>;

/** Pillow's resampling filters, as torchvision's InterpolationMode and Hugging Face's `resample` name them. */
export const ResampleFilter = z.enum(['nearest', 'bilinear', 'bicubic']);
export type ResampleFilter = z.infer<typeof ResampleFilter>;

const pixels = z.number().int().positive();

/**
 * torchvision's Resize then CenterCrop to the spec's width×height, on 8-bit pixels exactly as Pillow computes them
 * (the image is rounded to 0–255 after the resize, as a PIL image is, before it is scaled and normalised).
 */
export const ResizeThenCrop = z.strictObject({
  /** The shorter edge to this many pixels keeping the aspect (torchvision `Resize(int)`), an exact size, or no resize. */
  resizeTo: z.union([z.strictObject({ shorterEdge: pixels }), z.strictObject({ width: pixels, height: pixels }), z.literal('none')]),
  filter: ResampleFilter.default('bilinear'),
  /**
   * Where an odd margin goes: torchvision rounds the crop offset half to even (and pads a too-small image with its
   * extra pixel on the far side); Hugging Face image processors floor it (and pad on the near side).
   */
  cropAlign: z.enum(['torchvision', 'hugging-face']).default('torchvision'),
});
export type ResizeThenCrop = z.output<typeof ResizeThenCrop>;

export const PreprocessSpec = z
  .object({
    width: pixels,
    height: pixels,
    channels: z.union([z.literal(1), z.literal(3)]),
    /**
     * "stretch" resizes straight to width×height; "shorter-side-crop" scales the shorter side and crops the centre
     * (both in floating point, kept as they were for the models that use them); an object resizes and crops as
     * torchvision does.
     */
    resize: z.union([ResizeMode, ResizeThenCrop]).default('stretch'),
    /** Pixel values 0–255 are multiplied by this before mean/std. */
    scale: z
      .number()
      .positive()
      .default(1 / 255),
    /** One value for every channel, or one per channel (in the model's channel order). */
    mean: z.array(z.number()).min(1).default([0]),
    std: z.array(z.number().positive()).min(1).default([1]),
    channelOrder: z.enum(['RGB', 'BGR']).default('RGB'),
    layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
    /**
     * A greyscale image is fed to a 3-channel model (grey copied into R, G and B, as PIL's convert("RGB")) only when
     * this is true; otherwise it is refused, since a colour model on grey data may be an unnoticed dataset mix-up.
     * Absent means false, so the specs stored before this existed read back unchanged.
     */
    expandGrey: z.boolean().optional(),
  })
  .superRefine((spec, ctx) => {
    for (const key of ['mean', 'std'] as const) {
      const length = spec[key].length;
      if (length !== 1 && length !== spec.channels) {
        ctx.addIssue({ code: 'custom', path: [key], message: `needs 1 or ${spec.channels} values (one per channel), got ${length}` });
      }
    }
  });
export type PreprocessSpec = z.output<typeof PreprocessSpec>;
export type PreprocessSpecInput = z.input<typeof PreprocessSpec>;

/** The dims of a batch of `count` preprocessed images. */
export function batchDims(spec: PreprocessSpec, count: number): number[] {
  return spec.layout === 'NCHW' ? [count, spec.channels, spec.height, spec.width] : [count, spec.height, spec.width, spec.channels];
}

export function imageSize(spec: PreprocessSpec): number {
  return spec.channels * spec.height * spec.width;
}
