// Opens the diffusion target behind `/v1/images/variations` as the engine's runtimes open one: a pipeline folder
// (checked and read as an import reads it; a text-conditional one is bound to the empty prompt) or one pixel-space
// denoiser file with its sidecar and scheduler.json.
import path from 'node:path';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import type { EpsilonModel } from '../../engine/diffusion/ddim';
import type { VariationModel } from '../../engine/diffusion/image-variations';
import { buildDiffusionConfig } from '../../engine/models/config-from-sidecar';
import { openDenoiser, type DenoiserAdapter } from '../../engine/models/denoiser-adapter';
import type { DiffusionConfig } from '../../engine/models/model-config';
import { readModelJsonFile } from '../../engine/models/model-json-file';
import { openOnnxModel } from '../../engine/models/onnx-session';
import { loadPipelineTokenizer } from '../../engine/models/pipeline-folder';
import type { PreprocessSpec } from '../../engine/models/preprocess-spec';
import { ModelSidecar } from '../../engine/models/sidecar';
import { openTextConditioner } from '../../engine/models/text-conditioner';
import { openVaeCodec, type LatentCodec } from '../../engine/models/vae-codec';
import { sidecarBeside, resolveBeside } from '../model-files';
import { preparePipeline } from '../pipeline-import';
import type { VariationTargetConfig } from './serve-config';

export interface OpenedVariationTarget {
  readonly name: string;
  readonly model: VariationModel;
  /** How an uploaded image becomes the model's input (resize, channels, scaling to [-1, 1]). */
  readonly preprocess: PreprocessSpec;
  readonly settings: VariationTargetConfig;
  release(): Promise<void>;
}

export async function openVariationTarget(settings: VariationTargetConfig): Promise<OpenedVariationTarget> {
  const opened: { release(): Promise<void> }[] = [];
  const releaseAll = async () => {
    await Promise.allSettled(opened.map((item) => item.release()));
  };
  try {
    const { name, config, files } = settings.pipeline ? await pipelineParts(settings.pipeline) : await denoiserParts(settings.model!);
    const denoiser = await openDenoiser(files.denoiser!, config);
    opened.push(denoiser);
    let codec: LatentCodec | null = null;
    if (config.pixelShape && files.vae_encoder && files.vae_decoder) {
      codec = await openVaeCodec(
        { encoder: files.vae_encoder, decoder: files.vae_decoder },
        { pixel: config.pixelShape, latent: config.sampleShape },
        config.vaeScalingFactor ?? 1,
      );
      opened.push(codec);
    }
    const epsilon = await boundEpsilon(denoiser, config, files);
    return {
      name,
      model: { epsilon, sampleSize: denoiser.sampleSize, codec, pixelShape: codec ? codec.pixelShape : config.sampleShape },
      preprocess: config.preprocess,
      settings,
      release: releaseAll,
    };
  } catch (error) {
    await releaseAll();
    throw error;
  }
}

interface TargetParts {
  readonly name: string;
  readonly config: DiffusionConfig;
  readonly files: Record<string, string>;
}

async function pipelineParts(folder: string): Promise<TargetParts> {
  const prepared = await preparePipeline(folder, {});
  const files = Object.fromEntries(Object.entries(prepared.files).map(([role, file]) => [role, file.path]));
  return { name: prepared.name, config: prepared.config, files };
}

async function denoiserParts(file: string): Promise<TargetParts> {
  const sidecarFile = sidecarBeside(file);
  const sidecar = sidecarFile
    ? parseWith(
        ModelSidecar,
        readModelJsonFile(sidecarFile, 'Model sidecar', 'model.bad-sidecar'),
        `Model sidecar ${sidecarFile}`,
        'model.bad-sidecar',
      )
    : null;
  const schedulerFile =
    sidecarFile && sidecar?.scheduler ? resolveBeside(sidecarFile, sidecar.scheduler) : path.join(path.dirname(file), 'scheduler.json');
  const scheduler = readModelJsonFile(schedulerFile, 'Scheduler configuration', 'model.bad-scheduler');
  const onnx = await openOnnxModel(file);
  try {
    const config = buildDiffusionConfig(sidecar, scheduler, {}, onnx.inputs, path.basename(file));
    return { name: path.basename(file, path.extname(file)), config, files: { denoiser: file } };
  } finally {
    await onnx.release();
  }
}

/** ε as the variations use it: a text-conditional denoiser sees the empty prompt (what a variation API gets). */
async function boundEpsilon(denoiser: DenoiserAdapter, config: DiffusionConfig, files: Record<string, string>): Promise<EpsilonModel> {
  const conditioning = config.conditioning;
  if (!conditioning) return { schedule: denoiser.schedule, predictEpsilon: (x, t) => denoiser.predictEpsilon(x, t) };
  if (conditioning.kind === 'class') {
    throw new MiaError(
      'serve.unsupported-target',
      'The variation endpoint takes an unconditional or text-conditional diffusion target; a class-conditional one would need a class per image.',
    );
  }
  const text = await openTextConditioner(files.text_encoder!, loadPipelineTokenizer(files, conditioning.maxLength), conditioning.maxLength);
  try {
    const empty = await text.encode(['']);
    return {
      schedule: denoiser.schedule,
      predictEpsilon(x, t) {
        const count = x.length / denoiser.sampleSize;
        const hiddenStates = new Float32Array(count * text.valuesPerPrompt);
        for (let i = 0; i < count; i += 1) hiddenStates.set(empty, i * text.valuesPerPrompt);
        return denoiser.predictEpsilon(x, t, { hiddenStates, emptyPrompt: null, guidanceScale: 1 });
      },
    };
  } finally {
    // The empty prompt's hidden states are all the variations need, so the text encoder is closed at once.
    await text.release();
  }
}
