// Seeded image augmentation for AEA, applied to a preprocessed model-input tensor: random resized crop, horizontal
// flip, rotation, colour jitter and Gaussian noise. Every random draw comes from the generator passed in, so a
// view is reproduced exactly from its seed.
import type { PreprocessSpec } from '../../models/preprocess-spec';
import type { SeededRandom } from '../../random/seeded-random';

export interface AugmentationSettings {
  /** Fraction of the image area the crop keeps, drawn uniformly from this range. */
  readonly cropScale: readonly [number, number];
  /** Crop aspect ratio range (drawn log-uniformly), as torchvision's RandomResizedCrop. */
  readonly cropRatio: readonly [number, number];
  readonly flipProbability: number;
  /** Rotation angle drawn uniformly from ±this many degrees. */
  readonly maxRotationDegrees: number;
  /** Brightness, contrast and (3-channel images only) saturation factors drawn from [1 − j, 1 + j]. */
  readonly jitter: number;
  /** Standard deviation of the additive noise, on pixel values scaled to [0, 1]. */
  readonly noiseStd: number;
}

export const defaultAugmentation: AugmentationSettings = {
  cropScale: [0.8, 1],
  cropRatio: [3 / 4, 4 / 3],
  flipProbability: 0.5,
  maxRotationDegrees: 10,
  jitter: 0.2,
  noiseStd: 0.02,
};

/** The random choices of one view; the noise is drawn afterwards from the same stream. */
export interface ViewParameters {
  /** Crop box in pixels of the input image (top-left corner and size). */
  readonly crop: { readonly left: number; readonly top: number; readonly width: number; readonly height: number };
  readonly flip: boolean;
  readonly angleDegrees: number;
  readonly brightness: number;
  readonly contrast: number;
  /** 1 for single-channel images (no saturation to change). */
  readonly saturation: number;
}

const cropAttempts = 10;

export function drawViewParameters(
  random: SeededRandom,
  width: number,
  height: number,
  channels: number,
  settings: AugmentationSettings = defaultAugmentation,
): ViewParameters {
  const crop = drawCrop(random, width, height, settings);
  const flip = random.next() < settings.flipProbability;
  const angleDegrees = (random.next() * 2 - 1) * settings.maxRotationDegrees;
  const factor = () => 1 - settings.jitter + random.next() * 2 * settings.jitter;
  const brightness = factor();
  const contrast = factor();
  // Drawn for every image so a greyscale and a colour image consume the same numbers before the noise.
  const saturationDraw = factor();
  return { crop, flip, angleDegrees, brightness, contrast, saturation: channels === 3 ? saturationDraw : 1 };
}

/** torchvision's RandomResizedCrop.get_params, with this generator; falls back to the whole image. */
function drawCrop(random: SeededRandom, width: number, height: number, settings: AugmentationSettings): ViewParameters['crop'] {
  const area = width * height;
  const logLow = Math.log(settings.cropRatio[0]);
  const logHigh = Math.log(settings.cropRatio[1]);
  for (let attempt = 0; attempt < cropAttempts; attempt++) {
    const targetArea = area * (settings.cropScale[0] + random.next() * (settings.cropScale[1] - settings.cropScale[0]));
    const ratio = Math.exp(logLow + random.next() * (logHigh - logLow));
    const w = Math.round(Math.sqrt(targetArea * ratio));
    const h = Math.round(Math.sqrt(targetArea / ratio));
    if (w > 0 && h > 0 && w <= width && h <= height) {
      return { left: random.nextInt(width - w + 1), top: random.nextInt(height - h + 1), width: w, height: h };
    }
  }
  return { left: 0, top: 0, width, height };
}

/** Planes of pixel values in [0, 1] (channel c, row y, column x at c·H·W + y·W + x), read from a model tensor. */
function toUnitPlanes(tensor: Float32Array, spec: PreprocessSpec): Float64Array {
  const { width, height, channels } = spec;
  const count = width * height;
  const out = new Float64Array(channels * count);
  for (let c = 0; c < channels; c++) {
    const mean = perChannel(spec.mean, c);
    const std = perChannel(spec.std, c);
    for (let i = 0; i < count; i++) {
      const value = tensor[spec.layout === 'NCHW' ? c * count + i : i * channels + c]!;
      // Undo (p·scale − mean)/std and express p on [0, 1], whatever the model's scale.
      out[c * count + i] = (value * std + mean) / (255 * spec.scale);
    }
  }
  return out;
}

function fromUnitPlanes(planes: Float64Array, spec: PreprocessSpec): Float32Array {
  const { width, height, channels } = spec;
  const count = width * height;
  const out = new Float32Array(channels * count);
  for (let c = 0; c < channels; c++) {
    const mean = perChannel(spec.mean, c);
    const std = perChannel(spec.std, c);
    for (let i = 0; i < count; i++) {
      out[spec.layout === 'NCHW' ? c * count + i : i * channels + c] = (planes[c * count + i]! * 255 * spec.scale - mean) / std;
    }
  }
  return out;
}

function perChannel(values: readonly number[], channel: number): number {
  return (values.length === 1 ? values[0] : values[channel])!;
}

/**
 * Crop-and-resize, flip and rotation as one inverse mapping, so each output pixel is one bilinear sample of the
 * input (three separate resamplings would blur the image more than the augmentation intends). Output pixels whose
 * rotated position falls outside the image are 0, like torchvision's default fill.
 */
function resampleGeometry(planes: Float64Array, width: number, height: number, channels: number, view: ViewParameters): Float64Array {
  const count = width * height;
  const out = new Float64Array(planes.length);
  const angle = (view.angleDegrees * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const centreX = (width - 1) / 2;
  const centreY = (height - 1) / 2;
  const scaleX = view.crop.width / width;
  const scaleY = view.crop.height / height;
  for (let oy = 0; oy < height; oy++) {
    for (let ox = 0; ox < width; ox++) {
      // Position in the flipped, cropped image before rotation.
      const dx = ox - centreX;
      const dy = oy - centreY;
      const px = cos * dx + sin * dy + centreX;
      const py = -sin * dx + cos * dy + centreY;
      if (px < -0.5 || px > width - 0.5 || py < -0.5 || py > height - 0.5) continue;
      const qx = view.flip ? width - 1 - px : px;
      // Pixel-centre mapping of the crop box onto the full output size (align_corners = false), clamped to the
      // box's edge pixels as a resize of the cropped image would be.
      const sx = clamp(view.crop.left + (qx + 0.5) * scaleX - 0.5, view.crop.left, view.crop.left + view.crop.width - 1);
      const sy = clamp(view.crop.top + (py + 0.5) * scaleY - 0.5, view.crop.top, view.crop.top + view.crop.height - 1);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(x0 + 1, width - 1);
      const y1 = Math.min(y0 + 1, height - 1);
      const fx = sx - x0;
      const fy = sy - y0;
      for (let c = 0; c < channels; c++) {
        const base = c * count;
        const top = planes[base + y0 * width + x0]! * (1 - fx) + planes[base + y0 * width + x1]! * fx;
        const bottom = planes[base + y1 * width + x0]! * (1 - fx) + planes[base + y1 * width + x1]! * fx;
        out[base + oy * width + ox] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

/** Luma of each pixel (ITU-R 601 weights in the tensor's channel order), or the single plane itself. */
function greyPlane(planes: Float64Array, count: number, channels: number, channelOrder: PreprocessSpec['channelOrder']): Float64Array {
  if (channels === 1) return planes.slice(0, count);
  const weights = channelOrder === 'BGR' ? [0.114, 0.587, 0.299] : [0.299, 0.587, 0.114];
  const grey = new Float64Array(count);
  for (let i = 0; i < count; i++)
    grey[i] = weights[0]! * planes[i]! + weights[1]! * planes[count + i]! + weights[2]! * planes[2 * count + i]!;
  return grey;
}

/** Brightness, then contrast, then saturation, each clamped to [0, 1] as torchvision does for float images. */
function jitterColours(
  planes: Float64Array,
  count: number,
  channels: number,
  view: ViewParameters,
  channelOrder: PreprocessSpec['channelOrder'],
): void {
  for (let i = 0; i < planes.length; i++) planes[i] = clamp(planes[i]! * view.brightness, 0, 1);
  const grey = greyPlane(planes, count, channels, channelOrder);
  let mean = 0;
  for (let i = 0; i < count; i++) mean += grey[i]!;
  mean /= count;
  for (let i = 0; i < planes.length; i++) planes[i] = clamp(view.contrast * planes[i]! + (1 - view.contrast) * mean, 0, 1);
  if (channels !== 3 || view.saturation === 1) return;
  const greyAfter = greyPlane(planes, count, channels, channelOrder);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < count; i++)
      planes[c * count + i] = clamp(view.saturation * planes[c * count + i]! + (1 - view.saturation) * greyAfter[i]!, 0, 1);
  }
}

/** One augmented view of a preprocessed image tensor, drawn from `random` (parameters first, then the noise). */
export function augmentTensor(
  tensor: Float32Array,
  spec: PreprocessSpec,
  random: SeededRandom,
  settings: AugmentationSettings = defaultAugmentation,
): Float32Array {
  const view = drawViewParameters(random, spec.width, spec.height, spec.channels, settings);
  return applyView(tensor, spec, view, settings.noiseStd, random);
}

/** Applies chosen view parameters: geometry, colour jitter, then noise of `noiseStd` drawn from `random`. */
export function applyView(
  tensor: Float32Array,
  spec: PreprocessSpec,
  view: ViewParameters,
  noiseStd: number,
  random: SeededRandom,
): Float32Array {
  const { width, height, channels } = spec;
  const planes = resampleGeometry(toUnitPlanes(tensor, spec), width, height, channels, view);
  jitterColours(planes, width * height, channels, view, spec.channelOrder);
  if (noiseStd > 0) {
    for (let i = 0; i < planes.length; i++) planes[i] = clamp(planes[i]! + noiseStd * random.normal(), 0, 1);
  }
  return fromUnitPlanes(planes, spec);
}
