// The contract's part for the auditor's override of a model's preprocessing (models.setPreprocess): a normalisation
// preset or the imported one, and mean/std edited by hand. contract.ts re-exports it and names the channel.
import { z } from 'zod';
import { Id } from './contract-common';

/** "imported" is what the model's sidecar or preprocessor_config.json said at import; the others are named presets. */
export const PreprocessPresetChoice = z.enum(['imported', 'imagenet', 'clip']);
export type PreprocessPresetChoice = z.infer<typeof PreprocessPresetChoice>;

const ChannelValues = z.array(z.number().finite()).min(1).max(3);

export const ModelPreprocessRequest = z.strictObject({
  modelId: Id,
  /** Where the resize, crop, scale, mean and std start from; the channel count always stays as imported. */
  preset: PreprocessPresetChoice,
  /** Replaces the preset's mean (one value, or one per channel). */
  mean: ChannelValues.optional(),
  /** Replaces the preset's std (one value, or one per channel; each above 0). */
  std: z.array(z.number().finite().positive()).min(1).max(3).optional(),
  /**
   * The auditor's choice to feed greyscale images to a 3-channel model (grey copied into R, G and B); absent: as
   * imported (a folder's do_convert_rgb, a sidecar's expandGrey). Runs record whether it happened.
   */
  expandGrey: z.boolean().optional(),
});
export type ModelPreprocessRequest = z.input<typeof ModelPreprocessRequest>;
