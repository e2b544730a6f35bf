// Named preprocessings that many published models share, so a sidecar can say `"preset": "imagenet"`.
import { z } from 'zod';
import type { PreprocessSpecInput } from './preprocess-spec';

/** torchvision's ImageNet evaluation transform: Resize(256) bilinear, CenterCrop(224), ImageNet mean and std. */
export const imagenetPreprocess = {
  width: 224,
  height: 224,
  channels: 3,
  resize: { resizeTo: { shorterEdge: 256 }, filter: 'bilinear' },
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
} as const satisfies PreprocessSpecInput;

/** OpenAI CLIP's transform: Resize(224) bicubic, CenterCrop(224), CLIP's mean and std. */
export const clipPreprocess = {
  width: 224,
  height: 224,
  channels: 3,
  resize: { resizeTo: { shorterEdge: 224 }, filter: 'bicubic' },
  scale: 1 / 255,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
} as const satisfies PreprocessSpecInput;

export const PreprocessPresetName = z.enum(['imagenet', 'clip']);
export type PreprocessPresetName = z.infer<typeof PreprocessPresetName>;

export const preprocessPresets: Record<PreprocessPresetName, PreprocessSpecInput> = {
  imagenet: imagenetPreprocess,
  clip: clipPreprocess,
};
