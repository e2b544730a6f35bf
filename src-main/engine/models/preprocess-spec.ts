// The preprocessing a model expects, stored with the model: size, resize mode, channels, scaling, layout.
import { z } from 'zod';

export const ResizeMode = z.enum(['stretch', 'shorter-side-crop']);
export type ResizeMode = z.infer<typeof ResizeMode>;

export const PreprocessSpec = z
  .object({
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    channels: z.union([z.literal(1), z.literal(3)]),
    /** "stretch" resizes straight to width×height; "shorter-side-crop" scales the shorter side and crops the centre. */
    resize: ResizeMode.default('stretch'),
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
