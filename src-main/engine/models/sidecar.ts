// The JSON sidecar that travels with an ONNX model (`<name>.json`): its schema and how it becomes a model config.
import { z } from 'zod';
import { PredictionType } from '../diffusion/scheduler';
import { PreprocessPresetName, preprocessPresets } from './preprocess-presets';
import { ResizeMode, ResizeThenCrop } from './preprocess-spec';

/**
 * Preprocessing as sidecars write it (snake_case accepted for the keys that have two words). A `preset` fills in
 * every key the sidecar leaves out; without one, width, height and channels are required.
 */
export const SidecarPreprocess = z
  .looseObject({
    preset: PreprocessPresetName.optional(),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
    channels: z.union([z.literal(1), z.literal(3)]).optional(),
    scale: z.number().positive().optional(),
    mean: z.array(z.number()).min(1).optional(),
    std: z.array(z.number().positive()).min(1).optional(),
    layout: z.enum(['NCHW', 'NHWC']).optional(),
    resize: z.union([ResizeMode, ResizeThenCrop]).optional(),
    resize_mode: ResizeMode.optional(),
    channel_order: z.enum(['RGB', 'BGR']).optional(),
    channelOrder: z.enum(['RGB', 'BGR']).optional(),
    expand_grey: z.boolean().optional(),
    expandGrey: z.boolean().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.preset !== undefined) return;
    for (const key of ['width', 'height', 'channels'] as const) {
      if (p[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required unless a "preset" is named' });
    }
  })
  .transform((p) => {
    const preset = p.preset === undefined ? undefined : preprocessPresets[p.preset];
    return {
      width: p.width ?? preset?.width,
      height: p.height ?? preset?.height,
      channels: p.channels ?? preset?.channels,
      scale: p.scale ?? preset?.scale,
      mean: p.mean ?? preset?.mean,
      std: p.std ?? preset?.std,
      layout: p.layout ?? preset?.layout,
      resize: p.resize ?? p.resize_mode ?? preset?.resize,
      channelOrder: p.channelOrder ?? p.channel_order ?? preset?.channelOrder,
      expandGrey: p.expandGrey ?? p.expand_grey,
    };
  });

/** Unknown keys (training recipe, description, …) are kept by the loose object and ignored here. */
export const sidecarKinds = ['classifier', 'clip', 'clip-image', 'clip-text', 'diffusion'] as const;

/** Unknown keys (training recipe, description, …) are kept by the loose object and ignored here. */
export const ModelSidecar = z.looseObject({
  kind: z.enum(sidecarKinds).optional(),
  preprocess: SidecarPreprocess.optional(),
  output: z.enum(['logits', 'probabilities', 'embedding', 'epsilon', 'auto']).optional(),
  output_name: z.string().optional(),
  input_name: z.string().optional(),
  /** Several inputs in order: [token ids, attention mask] for a text encoder, [sample, timestep] for a denoiser. */
  input_names: z.array(z.string()).optional(),
  classes: z.number().int().min(2).optional(),
  class_names: z.array(z.string()).optional(),
  description: z.string().optional(),
  /** Record ids a model was trained on (e.g. a null model's training set). */
  trained_on_ids: z.array(z.string()).optional(),
  // CLIP-style
  max_length: z.number().int().positive().optional(),
  pad_token_id: z.number().int().nonnegative().optional(),
  embedding_dim: z.number().int().positive().optional(),
  image_output_name: z.string().optional(),
  text_output_name: z.string().optional(),
  input_ids_name: z.string().optional(),
  attention_mask_name: z.string().optional(),
  // diffusion
  prediction_type: PredictionType.optional(),
  /** scheduler.json, relative to the sidecar. */
  scheduler: z.string().optional(),
  sample_name: z.string().optional(),
  timestep_name: z.string().optional(),
  sample_size: z.number().int().positive().optional(),
  in_channels: z.number().int().positive().optional(),
  vae_scaling_factor: z.number().positive().optional(),
});
export type ModelSidecar = z.output<typeof ModelSidecar>;

/** The model families a sidecar kind may describe. */
export function sidecarFamily(kind: ModelSidecar['kind']): 'classifier' | 'clip' | 'diffusion' | undefined {
  return kind === 'clip-image' || kind === 'clip-text' ? 'clip' : kind;
}
