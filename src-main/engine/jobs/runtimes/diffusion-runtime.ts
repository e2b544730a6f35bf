// The diffusion family's runtime: the target denoiser (with its VAE for latent models) and the null model, each
// wrapped as a DiffusionTarget. Diffusion attacks use no reference or shadow models.
import { MiaError } from '../../../common/errors';
import type { DiffusionModels, DiffusionTarget } from '../../attacks/diffusion/diffusion-target';
import { openDenoiser } from '../../models/denoiser-adapter';
import { DiffusionConfig } from '../../models/model-config';
import { loadPipelineTokenizer } from '../../models/pipeline-folder';
import { openTextConditioner, type TextConditioner } from '../../models/text-conditioner';
import { openVaeCodec, type LatentCodec } from '../../models/vae-codec';
import type { AttackTask, ModelSpec } from '../attack-task';
import { diffusionTarget } from '../diffusion-targets';
import { fileOf, releaseAll, type FamilyRuntime, type RuntimeOptions } from '../family-runtime';

/** A latent model needs both VAE files and the pixel shape; half a VAE is refused rather than guessed around. */
function latentFiles(
  spec: ModelSpec,
  config: DiffusionConfig,
): { encoder: string; decoder: string; pixelShape: NonNullable<DiffusionConfig['pixelShape']> } | null {
  const encoder = spec.files.vae_encoder?.path;
  const decoder = spec.files.vae_decoder?.path;
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
  return { encoder, decoder, pixelShape: config.pixelShape };
}

export async function openDiffusionRuntime(task: AttackTask, options: RuntimeOptions): Promise<FamilyRuntime> {
  const opened: { release(): Promise<void> }[] = [];
  const open = async (spec: ModelSpec): Promise<DiffusionTarget> => {
    const config = DiffusionConfig.parse(spec.config);
    const latent = latentFiles(spec, config);
    const adapter = await openDenoiser(fileOf(spec, 'denoiser'), config, { intraOpNumThreads: options.threads });
    opened.push(adapter);
    let codec: LatentCodec | null = null;
    if (latent) {
      codec = await openVaeCodec(latent, { pixel: latent.pixelShape, latent: config.sampleShape }, config.vaeScalingFactor ?? 1, {
        intraOpNumThreads: options.threads,
      });
      opened.push(codec);
    }
    let text: TextConditioner | null = null;
    if (config.conditioning?.kind === 'text') {
      // A text-conditional pipeline: prompts go through its tokenizer and text encoder (pipeline-folder.ts).
      const files = Object.fromEntries(Object.entries(spec.files).map(([role, file]) => [role, file.path]));
      const tokenizer = loadPipelineTokenizer(files, config.conditioning.maxLength);
      text = await openTextConditioner(fileOf(spec, 'text_encoder'), tokenizer, config.conditioning.maxLength, {
        intraOpNumThreads: options.threads,
      });
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
