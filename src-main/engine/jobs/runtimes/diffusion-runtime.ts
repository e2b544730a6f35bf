// The diffusion family's runtime: the target denoiser (with its VAE for latent models) and the null model, each
// wrapped as a DiffusionTarget. Diffusion attacks use no reference or shadow models.
import { MiaError } from '../../../common/errors';
import type { DiffusionModels, DiffusionTarget } from '../../attacks/diffusion/diffusion-target';
import { createNoiseSchedule } from '../../diffusion/scheduler';
import { createDenoiser } from '../../models/denoiser-adapter';
import { DiffusionConfig } from '../../models/model-config';
import { loadPipelineTokenizer } from '../../models/pipeline-folder';
import { createTextConditioner, type TextConditioner } from '../../models/text-conditioner';
import { createVaeCodec, type LatentCodec } from '../../models/vae-codec';
import type { AttackTask, ModelSpec } from '../attack-task';
import { diffusionTarget } from '../diffusion-targets';
import { releaseAll, type FamilyRuntime, type OpenerOptions } from '../family-runtime';
import { hasComponent, openAdapted } from '../model-components';
import { isVariationSpec, openVariationRuntime } from './variation-runtime';

/** A latent model needs both VAE components and the pixel shape; half a VAE is refused rather than guessed around. */
function latentShape(spec: ModelSpec, config: DiffusionConfig): NonNullable<DiffusionConfig['pixelShape']> | null {
  const encoder = hasComponent(spec, 'vae_encoder');
  const decoder = hasComponent(spec, 'vae_decoder');
  const latentHints = encoder || decoder || config.pixelShape || config.vaeScalingFactor !== undefined;
  if (!latentHints) return null;
  if (!encoder || !decoder || !config.pixelShape) {
    const missing = [
      !encoder && 'a VAE encoder file',
      !decoder && 'a VAE decoder file',
      !config.pixelShape && 'the pixel shape (pixelShape) the encoder takes',
    ].filter(Boolean);
    throw new MiaError(
      'model.incomplete-latent',
      `Model "${spec.name}" looks like a latent diffusion model but has no ${missing.join(', no ')}; re-import it with its VAE encoder, decoder and pixel shape.`,
    );
  }
  return config.pixelShape;
}

export async function openDiffusionRuntime(task: AttackTask, options: OpenerOptions): Promise<FamilyRuntime> {
  // A target behind an image-variation API has no denoiser to open: only ReDiffuse runs on it (target-access.ts).
  if (isVariationSpec(task.target)) return openVariationRuntime(task, options);
  const opened: { release(): Promise<void> }[] = [];
  const open = async (spec: ModelSpec): Promise<DiffusionTarget> => {
    const config = DiffusionConfig.parse(spec.config);
    const pixelShape = latentShape(spec, config);
    const schedule = createNoiseSchedule(config.scheduler, config.predictionType);
    const adapter = await openAdapted(options.components, spec, ['denoiser'], ([model]) => createDenoiser(model!, config, schedule));
    opened.push(adapter);
    let codec: LatentCodec | null = null;
    if (pixelShape) {
      const shapes = { pixel: pixelShape, latent: config.sampleShape };
      codec = await openAdapted(options.components, spec, ['vae_encoder', 'vae_decoder'], ([encoder, decoder]) =>
        createVaeCodec({ encoder: encoder!, decoder: decoder! }, shapes, config.vaeScalingFactor ?? 1),
      );
      opened.push(codec);
    }
    let text: TextConditioner | null = null;
    if (config.conditioning?.kind === 'text') {
      // A text-conditional pipeline: prompts go through its tokenizer and text encoder (pipeline-folder.ts).
      const files = Object.fromEntries(Object.entries(spec.files).map(([role, file]) => [role, file.path]));
      const tokenizer = loadPipelineTokenizer(files, config.conditioning.maxLength);
      const length = config.conditioning.maxLength;
      text = await openAdapted(options.components, spec, ['text_encoder'], ([model]) => createTextConditioner(model!, tokenizer, length));
      opened.push(text);
    }
    return diffusionTarget(spec.name, adapter, codec, options.images, options.progress, options.signal, text);
  };
  try {
    const target = await open(task.target);
    const nullTarget = task.nullModel ? await open(task.nullModel) : null;
    const models: DiffusionModels = {};
    return { target, models, nullTarget, release: () => releaseAll(opened) };
  } catch (error) {
    await releaseAll(opened);
    throw error;
  }
}
