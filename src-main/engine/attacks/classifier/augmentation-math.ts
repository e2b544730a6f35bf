// The label-only augmentation attack's maths (Choquette-Choo et al. 2021): seeded flips, pixel shifts and Gaussian
// noise applied in the model's input space, and the fraction of augmented copies a model still labels correctly.
import { z } from 'zod';
import type { SeededRandom } from '../../random/seeded-random';
import type { InputLayout } from './classifier-target';

export const AugmentationKind = z.enum(['flip', 'shift', 'noise']);
export type AugmentationKind = z.infer<typeof AugmentationKind>;

/** One augmentation, the same for every record of a run (the paper's fixed set); only the noise differs per record. */
export interface Augmentation {
  readonly flip: boolean;
  /** Pixels the image moves right (negative: left); the border pixel is repeated into the gap. */
  readonly shiftX: number;
  /** Pixels the image moves down (negative: up). */
  readonly shiftY: number;
  /** Standard deviation of the Gaussian noise added to every input value; 0 for none. */
  readonly noiseStd: number;
}

export interface AugmentationSettings {
  readonly count: number;
  readonly kinds: readonly AugmentationKind[];
  readonly maxShift: number;
  readonly noiseStd: number;
}

/**
 * `count` augmentations. Flips alternate (every second copy is mirrored) rather than being drawn, so a flip-only set
 * is never mostly identity copies; shifts are drawn uniformly in ±maxShift on each axis.
 */
export function drawAugmentations(random: SeededRandom, settings: AugmentationSettings): Augmentation[] {
  const { kinds, maxShift } = settings;
  const span = 2 * maxShift + 1;
  return Array.from({ length: settings.count }, (_, i) => {
    const shifted = kinds.includes('shift') && maxShift > 0;
    return {
      flip: kinds.includes('flip') && i % 2 === 1,
      shiftX: shifted ? random.nextInt(span) - maxShift : 0,
      shiftY: shifted ? random.nextInt(span) - maxShift : 0,
      noiseStd: kinds.includes('noise') ? settings.noiseStd : 0,
    };
  });
}

function clamp(value: number, high: number): number {
  return value < 0 ? 0 : value > high ? high : value;
}

/**
 * Writes the augmented copy of one image (`source`, laid out as `layout`) into `out` at `offset`: mirrored first, then
 * shifted with the border repeated, then noise from `noise` added (only when the augmentation has noise).
 */
export function augmentImage(
  source: Float32Array,
  layout: InputLayout,
  augmentation: Augmentation,
  noise: SeededRandom | null,
  out: Float32Array,
  offset: number,
): void {
  const { channels, height, width } = layout;
  const channelsFirst = layout.layout === 'NCHW';
  for (let c = 0; c < channels; c += 1) {
    for (let y = 0; y < height; y += 1) {
      const fromY = clamp(y - augmentation.shiftY, height - 1);
      for (let x = 0; x < width; x += 1) {
        const shiftedX = clamp(x - augmentation.shiftX, width - 1);
        const fromX = augmentation.flip ? width - 1 - shiftedX : shiftedX;
        const to = channelsFirst ? (c * height + y) * width + x : (y * width + x) * channels + c;
        const from = channelsFirst ? (c * height + fromY) * width + fromX : (fromY * width + fromX) * channels + c;
        out[offset + to] = source[from]!;
      }
    }
  }
  if (augmentation.noiseStd > 0 && noise) {
    const size = channels * height * width;
    for (let i = 0; i < size; i += 1) out[offset + i] = out[offset + i]! + augmentation.noiseStd * noise.normal();
  }
}

/** Per record, the fraction of its `perRecord` consecutive predictions that equal its label. */
export function correctFraction(predicted: Int32Array, labels: Int32Array, perRecord: number): Float64Array {
  return Float64Array.from(labels, (label, record) => {
    let correct = 0;
    for (let i = 0; i < perRecord; i += 1) if (predicted[record * perRecord + i] === label) correct += 1;
    return correct / perRecord;
  });
}
