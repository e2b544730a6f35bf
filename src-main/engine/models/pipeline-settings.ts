// Whether the components of a pipeline folder (pipeline-folder.ts) fit together, and the diffusion settings they
// give: latent channels of the VAE and the denoiser, the text encoder's width and the UNet's encoder_hidden_states,
// class labels with a class count, the latent and image sizes, the VAE's scaling factor and the prompt length.
// Nothing is guessed: a value no component or config states is refused, naming the file that should state it.
import path from 'node:path';
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import type { DiffusionOverrides } from './config-from-sidecar';
import { readModelJsonFile } from './model-json-file';
import { fixedDim, formatTensorInfo, type TensorInfo } from './onnx-session';
import { denoiserInputRoles, type ComponentIo, type PipelineFiles, type PipelineFolder } from './pipeline-folder';
import { TokenizerConfigJson } from './text-tokenizer';
import type { SampleShape } from './vae-codec';

function mismatch(folder: string, message: string, details: Record<string, unknown> = {}): MiaError {
  return new MiaError('model.pipeline-mismatch', `Pipeline folder ${folder}: ${message}`, { folder, ...details });
}

const VaeConfig = z.looseObject({
  scaling_factor: z.number().positive().optional(),
  block_out_channels: z.array(z.number().int().positive()).min(1).optional(),
});
const DenoiserConfig = z.looseObject({
  sample_size: z.number().int().positive().optional(),
  in_channels: z.number().int().positive().optional(),
});

function readVaeConfigs(files: PipelineFiles): z.output<typeof VaeConfig>[] {
  return [files.vae_encoder_config, files.vae_decoder_config].flatMap((file) =>
    file ? [parseWith(VaeConfig, readModelJsonFile(file, 'VAE configuration', 'model.bad-config'), file, 'model.bad-config')] : [],
  );
}

/** The latents' scaling factor: the VAE configs' scaling_factor, which must agree when both give one; never guessed. */
function scalingFactor(pipeline: PipelineFolder): number {
  const factors = [...new Set(readVaeConfigs(pipeline.files).flatMap((c) => (c.scaling_factor === undefined ? [] : [c.scaling_factor])))];
  if (factors.length === 1) return factors[0] as number;
  if (factors.length > 1)
    throw mismatch(
      pipeline.folder,
      `vae_encoder/config.json and vae_decoder/config.json give different scaling_factor values (${factors.join(' and ')}).`,
    );
  throw new MiaError(
    'model.bad-config',
    `Pipeline folder ${pipeline.folder}: no scaling_factor in vae_encoder/config.json or vae_decoder/config.json; the latents' scale is not known (Stable Diffusion's is 0.18215).`,
    { folder: pipeline.folder },
  );
}

const shapeOf = (t: TensorInfo | undefined) => [1, 2, 3].map((i) => fixedDim(t?.shape[i]));

/** The latent shape: the denoiser's fixed sample dims, else its config.json's in_channels and sample_size. */
function latentShape(pipeline: PipelineFolder, sample: TensorInfo): SampleShape {
  const [channels, height, width] = shapeOf(sample);
  const file = pipeline.files.denoiser_config;
  const config = file
    ? parseWith(DenoiserConfig, readModelJsonFile(file, 'Denoiser configuration', 'model.bad-config'), file, 'model.bad-config')
    : {};
  const shape = {
    channels: channels ?? config.in_channels ?? null,
    height: height ?? config.sample_size ?? null,
    width: width ?? config.sample_size ?? null,
  };
  if (shape.channels === null || shape.height === null || shape.width === null) {
    throw new MiaError(
      'model.bad-config',
      `Pipeline folder ${pipeline.folder}: the denoiser's sample size is not fixed in ${path.basename(path.dirname(pipeline.files.denoiser))}/model.onnx and no config.json beside it gives in_channels and sample_size.`,
      { folder: pipeline.folder },
    );
  }
  return shape as SampleShape;
}

/** The image shape: the VAE encoder's fixed input dims, else the latent size times the VAE's downsampling factor. */
function pixelShape(pipeline: PipelineFolder, encoderInput: TensorInfo, latent: SampleShape): SampleShape {
  const [channels, height, width] = shapeOf(encoderInput);
  const blocks = readVaeConfigs(pipeline.files).find((c) => c.block_out_channels)?.block_out_channels;
  const factor = blocks ? 2 ** (blocks.length - 1) : null;
  const shape = {
    channels,
    height: height ?? (factor === null ? null : latent.height * factor),
    width: width ?? (factor === null ? null : latent.width * factor),
  };
  if (shape.channels === null || shape.height === null || shape.width === null) {
    throw new MiaError(
      'model.bad-config',
      `Pipeline folder ${pipeline.folder}: vae_encoder/model.onnx does not fix its image size ${formatTensorInfo(encoderInput)} and its config.json gives no block_out_channels to derive it.`,
      { folder: pipeline.folder },
    );
  }
  return shape as SampleShape;
}

/** The text encoder's per-token output: last_hidden_state, else its only 3-D output. */
function lastHiddenState(io: ComponentIo): TensorInfo | undefined {
  return io.outputs.find((t) => t.name === 'last_hidden_state') ?? io.outputs.find((t) => t.shape.length === 3);
}

/**
 * Checks that the components fit together (latent channels of the VAE and the denoiser, the text encoder's width
 * and the denoiser's encoder_hidden_states, class labels with a class count) and returns the diffusion settings the
 * folder gives; explicit import settings still win over them.
 */
export function pipelineSettings(
  pipeline: PipelineFolder,
  io: { denoiser: ComponentIo; vae_encoder: ComponentIo; vae_decoder: ComponentIo; text_encoder?: ComponentIo },
): DiffusionOverrides {
  const { folder, files, index } = pipeline;
  const roles = denoiserInputRoles(files.denoiser, io.denoiser.inputs);
  const latent = latentShape(pipeline, roles.sample);
  const encoderInput = io.vae_encoder.inputs[0];
  const encoderOutput = io.vae_encoder.outputs.find((t) => t.name === 'latent_sample') ?? io.vae_encoder.outputs[0];
  const decoderInput = io.vae_decoder.inputs.find((t) => t.name === 'latent_sample') ?? io.vae_decoder.inputs[0];
  if (!encoderInput || !encoderOutput || !decoderInput) throw mismatch(folder, 'the VAE encoder or decoder has no input or output.');
  // An encoder may return the latent distribution's mean and log-variance stacked (2·c channels); vae-codec takes the mean.
  const encoded = fixedDim(encoderOutput.shape[1]);
  const decoded = fixedDim(decoderInput.shape[1]);
  if (
    (encoded !== null && encoded !== latent.channels && encoded !== 2 * latent.channels) ||
    (decoded !== null && decoded !== latent.channels)
  ) {
    throw mismatch(
      folder,
      `the VAE's latents have ${encoded ?? decoded} channels (vae_encoder ${formatTensorInfo(encoderOutput)}, vae_decoder ${formatTensorInfo(decoderInput)}) but the denoiser's sample ${formatTensorInfo(roles.sample)} has ${latent.channels}.`,
      { component: 'vae' },
    );
  }
  if (roles.encoderHiddenStates && !io.text_encoder) {
    throw new MiaError(
      'model.pipeline-incomplete',
      `Pipeline folder ${folder}: the denoiser takes ${formatTensorInfo(roles.encoderHiddenStates)} but the folder has no text encoder (text_encoder/model.onnx) to compute it.`,
      { folder },
    );
  }
  if (io.text_encoder && roles.encoderHiddenStates) {
    const hidden = lastHiddenState(io.text_encoder);
    const width = fixedDim(hidden?.shape[2]);
    const expected = fixedDim(roles.encoderHiddenStates.shape[2]);
    if (!hidden || (width !== null && expected !== null && width !== expected)) {
      throw mismatch(
        folder,
        `the denoiser's ${formatTensorInfo(roles.encoderHiddenStates)} is ${expected ?? '?'} wide, but the text encoder's ` +
          `${hidden ? formatTensorInfo(hidden) : 'output (no last_hidden_state)'} is ${width ?? '?'} wide; they must be the same width.`,
        { component: 'text_encoder' },
      );
    }
  }
  if (roles.classLabels && index.num_classes === undefined) {
    throw new MiaError(
      'model.bad-config',
      `Pipeline folder ${folder}: the denoiser takes class labels (${formatTensorInfo(roles.classLabels)}) but model_index.json gives no num_classes (its null class for guidance is index num_classes).`,
      { folder, file: files.model_index },
    );
  }
  const output = io.denoiser.outputs.find((t) => t.name === 'out_sample') ?? io.denoiser.outputs[0];
  return {
    sampleShape: latent,
    pixelShape: pixelShape(pipeline, encoderInput, latent),
    vaeScalingFactor: scalingFactor(pipeline),
    io: { sample: roles.sample.name, timestep: roles.timestep.name, ...(output ? { output: output.name } : {}) },
    ...(roles.classLabels && index.num_classes !== undefined
      ? { conditioning: { kind: 'class' as const, input: roles.classLabels.name, numClasses: index.num_classes } }
      : {}),
    ...(roles.encoderHiddenStates && io.text_encoder
      ? {
          conditioning: {
            kind: 'text' as const,
            input: roles.encoderHiddenStates.name,
            maxLength: promptLength(pipeline, io.text_encoder),
          },
        }
      : {}),
  };
}

/** Tokens per prompt: the text encoder's fixed input_ids length, else tokenizer_config.json's model_max_length. */
function promptLength(pipeline: PipelineFolder, textEncoder: ComponentIo): number {
  const ids = textEncoder.inputs.find((t) => t.name === 'input_ids') ?? textEncoder.inputs[0];
  const fixed = fixedDim(ids?.shape[1]);
  if (fixed !== null) return fixed;
  const file = pipeline.files.tokenizer_config;
  const length = file
    ? parseWith(TokenizerConfigJson, readModelJsonFile(file, 'Tokenizer configuration', 'model.bad-tokenizer'), file, 'model.bad-tokenizer')
        .model_max_length
    : undefined;
  // transformers writes a huge sentinel (about 1e30) for "no limit"; only a real context length is taken.
  if (length !== undefined && Number.isInteger(length) && length > 0 && length <= 4096) return length;
  throw new MiaError(
    'model.bad-config',
    `Pipeline folder ${pipeline.folder}: text_encoder/model.onnx does not fix its prompt length and tokenizer/tokenizer_config.json gives no model_max_length.`,
    { folder: pipeline.folder },
  );
}
