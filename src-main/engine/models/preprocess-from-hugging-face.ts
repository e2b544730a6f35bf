// Reads a Hugging Face `preprocessor_config.json` (an image processor's settings) into the engine's preprocessing
// spec, and refuses one whose output size contradicts the model's fixed input shape.
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import { fixedDim, type TensorDim } from './onnx-session';
import { PreprocessSpec, type ResampleFilter, type ResizeThenCrop } from './preprocess-spec';

const file = 'preprocessor_config.json';
const pixels = z.number().int().positive();
const SizeField = z.union([
  pixels,
  z.looseObject({ shortest_edge: pixels.optional(), longest_edge: pixels.optional(), height: pixels.optional(), width: pixels.optional() }),
]);

/** The keys this reader uses; everything else an image processor writes (its class name aside) is ignored. */
const HuggingFacePreprocessorConfig = z.looseObject({
  image_processor_type: z.string().optional(),
  feature_extractor_type: z.string().optional(),
  do_resize: z.boolean().default(true),
  size: SizeField.optional(),
  resample: z.number().int().optional(),
  do_center_crop: z.boolean().optional(),
  crop_size: SizeField.optional(),
  crop_pct: z.number().positive().max(1).optional(),
  do_rescale: z.boolean().default(true),
  rescale_factor: z
    .number()
    .positive()
    .default(1 / 255),
  do_normalize: z.boolean().default(true),
  image_mean: z.array(z.number()).min(1).optional(),
  image_std: z.array(z.number().positive()).min(1).optional(),
  do_convert_rgb: z.boolean().optional(),
});
type HuggingFacePreprocessorConfig = z.output<typeof HuggingFacePreprocessorConfig>;

// PIL's integer resampling codes as the configs store them; 1 (LANCZOS), 4 (BOX) and 5 (HAMMING) are not supported.
const pilResampleCodes: Record<number, ResampleFilter> = { 0: 'nearest', 2: 'bilinear', 3: 'bicubic' };

// Processors whose plain-integer `size` is the shortest edge (Hugging Face's default_to_square=False); for the
// others an integer is a square, as get_size_dict reads it by default.
const shortestEdgeProcessors = /^(CLIP|ChineseCLIP|ConvNext|Bit|MobileNetV1|MobileNetV2|LevIT)/i;

function refuse(message: string): never {
  throw new MiaError('model.bad-config', `${file}: ${message}`);
}

function filterOf(config: HuggingFacePreprocessorConfig): ResampleFilter {
  if (config.resample === undefined) refuse('"resample" is missing; it must name the filter (0 nearest, 2 bilinear, 3 bicubic).');
  const filter = pilResampleCodes[config.resample];
  if (!filter) refuse(`"resample" is ${config.resample}; the supported PIL filters are 0 (nearest), 2 (bilinear) and 3 (bicubic).`);
  return filter;
}

type Size = z.output<typeof SizeField>;

/** An exact {height, width} size, or a shortest edge; what `size` or `crop_size` says, read as the processor would. */
function readSize(size: Size, key: string, intIsShortestEdge: boolean): { shorterEdge: number } | { width: number; height: number } {
  if (typeof size === 'number') return intIsShortestEdge ? { shorterEdge: size } : { width: size, height: size };
  if (size.height !== undefined && size.width !== undefined) return { width: size.width, height: size.height };
  if (size.longest_edge !== undefined) refuse(`"${key}" has "longest_edge"; only {"shortest_edge"} or {"height", "width"} are supported.`);
  if (size.shortest_edge !== undefined) return { shorterEdge: size.shortest_edge };
  return refuse(`"${key}" must be a number, {"shortest_edge": n} or {"height": h, "width": w}.`);
}

function exactSize(size: Size, key: string): { width: number; height: number } {
  const read = readSize(size, key, false);
  return 'shorterEdge' in read ? { width: read.shorterEdge, height: read.shorterEdge } : read;
}

/** The resize, and the output size it and the crop give. */
function geometry(config: HuggingFacePreprocessorConfig): { resize: ResizeThenCrop; width: number; height: number } {
  const type = config.image_processor_type ?? config.feature_extractor_type ?? '';
  const filter = config.do_resize ? filterOf(config) : 'bilinear';
  const cropAlign = 'hugging-face';
  const size = config.do_resize ? (config.size ?? refuse('"do_resize" is true but "size" is missing.')) : undefined;
  const resizeTo = size === undefined ? 'none' : readSize(size, 'size', shortestEdgeProcessors.test(type));
  if (config.do_center_crop === true) {
    const crop = exactSize(config.crop_size ?? refuse('"do_center_crop" is true but "crop_size" is missing.'), 'crop_size');
    return { resize: { resizeTo, filter, cropAlign }, ...crop };
  }
  if (resizeTo !== 'none' && 'shorterEdge' in resizeTo) {
    // ConvNeXt's processor: below 384 px it resizes the shorter edge to size / crop_pct and crops size×size.
    if (config.crop_pct !== undefined) {
      const edge = resizeTo.shorterEdge;
      if (edge >= 384) return { resize: { resizeTo: { width: edge, height: edge }, filter, cropAlign }, width: edge, height: edge };
      return { resize: { resizeTo: { shorterEdge: Math.trunc(edge / config.crop_pct) }, filter, cropAlign }, width: edge, height: edge };
    }
    refuse(
      `"size" gives only a shortest edge (${resizeTo.shorterEdge}) and there is no centre crop, so the image size would vary with its aspect.`,
    );
  }
  if (resizeTo === 'none') refuse('neither "do_resize" nor "do_center_crop" is set, so the image size would vary with the dataset.');
  return { resize: { resizeTo, filter, cropAlign }, width: resizeTo.width, height: resizeTo.height };
}

/** The model's fixed [N, C, H, W] dims must agree with what the processor produces. */
function checkAgainstModel(spec: PreprocessSpec, shape: readonly TensorDim[]): void {
  const [channels, height, width] = [1, 2, 3].map((i) => fixedDim(shape[i]));
  const disagrees = (dim: number | null, value: number) => dim !== null && dim !== value;
  if (disagrees(channels, spec.channels) || disagrees(height, spec.height) || disagrees(width, spec.width)) {
    const modelSize = `${channels ?? '?'}×${height ?? '?'}×${width ?? '?'}`;
    throw new MiaError(
      'model.preprocess-mismatch',
      `${file} gives ${spec.channels}×${spec.height}×${spec.width} images (channels×height×width, from its crop_size or size), ` +
        `but the model's input takes ${modelSize} ([${shape.join(', ')}]).`,
      { preprocessor: [spec.channels, spec.height, spec.width], model: [...shape] },
    );
  }
}

/** `preprocessorConfigJson` is the parsed JSON; `modelInputShape` the image input's dims ([N, C, H, W], −1 or a name where free). */
export function preprocessFromHuggingFace(preprocessorConfigJson: unknown, modelInputShape: readonly TensorDim[]): PreprocessSpec {
  const config = parseWith(HuggingFacePreprocessorConfig, preprocessorConfigJson, file, 'model.bad-config');
  const { resize, width, height } = geometry(config);
  if (config.do_normalize && (!config.image_mean || !config.image_std)) {
    refuse('"do_normalize" is true but "image_mean" or "image_std" is missing.');
  }
  // Hugging Face's normalize refuses a list whose length is not the image's channel count; so does this reader,
  // rather than broadcasting one value where the processor itself would have failed.
  for (const key of ['image_mean', 'image_std'] as const) {
    const values = config.do_normalize ? config[key] : undefined;
    if (values && values.length !== 3) {
      refuse(`"${key}" has ${values.length} value${values.length === 1 ? '' : 's'}; the images are RGB, so it needs 3 (one per channel).`);
    }
  }
  const spec = parseWith(
    PreprocessSpec,
    {
      width,
      height,
      channels: 3,
      resize,
      scale: config.do_rescale ? config.rescale_factor : 1,
      mean: config.do_normalize ? config.image_mean : [0],
      std: config.do_normalize ? config.image_std : [1],
      expandGrey: config.do_convert_rgb === true,
    },
    `${file}: the preprocessing it describes`,
    'model.bad-config',
  );
  checkAgainstModel(spec, modelInputShape);
  return spec;
}
