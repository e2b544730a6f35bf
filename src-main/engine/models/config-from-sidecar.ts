// Builds a model's stored configuration from its sidecar, explicit settings from the auditor (which win) and what
// the model itself says (a fixed class dimension, a fixed image size).
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import { isLabelOutput } from './model-compat';
import { ClassifierConfig, ClipConfig, DiffusionConfig } from './model-config';
import { fixedDim, type TensorInfo } from './onnx-session';
import type { ModelSidecar } from './sidecar';

/** Removes undefined values so that spreading an object of optional keys does not erase defaults. */
function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const ClassifierOverrides = ClassifierConfig.omit({ kind: true }).partial();
export type ClassifierOverrides = z.input<typeof ClassifierOverrides>;

export function buildClassifierConfig(
  sidecar: ModelSidecar | null,
  overrides: ClassifierOverrides,
  model: { inputs: readonly TensorInfo[]; outputs: readonly TensorInfo[] },
  what: string,
): ClassifierConfig {
  const outputName = overrides.io?.output ?? sidecar?.output_name;
  const output = model.outputs.find((t) => t.name === outputName) ?? (model.outputs.length === 1 ? model.outputs[0] : undefined);
  // A model whose output is the class index says nothing about the class count, and can only ever be label-only.
  const labelOutput = output !== undefined && isLabelOutput(output);
  const classesFromModel = output && !labelOutput ? fixedDim(output.shape[1]) : null;
  const sidecarOutput = sidecar?.output === 'logits' || sidecar?.output === 'probabilities' ? sidecar.output : undefined;
  const candidate = {
    kind: 'classifier',
    preprocess: overrides.preprocess ?? sidecar?.preprocess ?? imageSpecFromModel(model.inputs, overrides.io?.input ?? sidecar?.input_name),
    output: overrides.output ?? sidecarOutput ?? 'auto',
    classes: overrides.classes ?? sidecar?.classes ?? classesFromModel ?? undefined,
    classNames: overrides.classNames ?? sidecar?.class_names,
    io: defined({ input: overrides.io?.input ?? sidecar?.input_name, output: outputName }),
    ...(labelOutput || overrides.labelOnly === true ? { labelOnly: true } : {}),
  };
  return parseWith(ClassifierConfig, candidate, `${what}: classifier configuration`, 'model.bad-config');
}

/**
 * Without a stated preprocessing, a model with a fixed [N, C, H, W] input is fed images resized to H×W with
 * pixels scaled to [0, 1]; that default is stored with the model so the auditor can see and change it.
 */
function imageSpecFromModel(inputs: readonly TensorInfo[], name: string | undefined): unknown {
  const input = inputs.find((t) => t.name === name) ?? (inputs.length === 1 ? inputs[0] : undefined);
  const [channels, height, width] = [1, 2, 3].map((i) => fixedDim(input?.shape[i]));
  if (!input || channels === null || height === null || width === null) return undefined;
  return { width, height, channels };
}

export const ClipOverrides = ClipConfig.omit({ kind: true }).partial();
export type ClipOverrides = z.input<typeof ClipOverrides>;

/** The image encoder's sidecar gives the preprocessing and image I/O; the text encoder's the length and text I/O. */
export function buildClipConfig(
  sidecars: { image: ModelSidecar | null; text: ModelSidecar | null },
  overrides: ClipOverrides,
  imageInputs: readonly TensorInfo[],
  what: string,
): ClipConfig {
  const { image, text } = sidecars;
  const candidate = {
    kind: 'clip',
    preprocess: overrides.preprocess ?? image?.preprocess ?? imageSpecFromModel(imageInputs, overrides.io?.imageInput ?? image?.input_name),
    maxLength: overrides.maxLength ?? text?.max_length ?? image?.max_length,
    padTokenId: overrides.padTokenId ?? text?.pad_token_id,
    io: defined({
      imageInput: overrides.io?.imageInput ?? image?.input_name,
      imageOutput: overrides.io?.imageOutput ?? image?.image_output_name ?? image?.output_name,
      textIds: overrides.io?.textIds ?? text?.input_ids_name ?? text?.input_names?.[0],
      textMask: overrides.io?.textMask ?? text?.attention_mask_name ?? text?.input_names?.[1],
      textOutput: overrides.io?.textOutput ?? text?.text_output_name ?? text?.output_name,
    }),
  };
  return parseWith(ClipConfig, candidate, `${what}: CLIP configuration`, 'model.bad-config');
}

export const DiffusionOverrides = DiffusionConfig.omit({ kind: true }).partial();
export type DiffusionOverrides = z.input<typeof DiffusionOverrides>;

export function buildDiffusionConfig(
  sidecar: ModelSidecar | null,
  scheduler: unknown,
  overrides: DiffusionOverrides,
  inputs: readonly TensorInfo[],
  what: string,
): DiffusionConfig {
  const sampleName = overrides.io?.sample ?? sidecar?.sample_name ?? sidecar?.input_names?.[0];
  const sample = inputs.find((t) => t.name === sampleName) ?? inputs.find((t) => t.shape.length === 4);
  const fromModel = sample ? [1, 2, 3].map((i) => fixedDim(sample.shape[i])) : [null, null, null];
  const channels = sidecar?.in_channels ?? sidecar?.preprocess?.channels ?? fromModel[0];
  const height = sidecar?.sample_size ?? sidecar?.preprocess?.height ?? fromModel[1];
  const width = sidecar?.sample_size ?? sidecar?.preprocess?.width ?? fromModel[2];
  const sampleShape = overrides.sampleShape ?? (channels && height && width ? { channels, height, width } : undefined);
  if (!sampleShape) {
    throw new MiaError(
      'model.bad-config',
      `${what}: the sample size is not fixed in the model; give channels, height and width in the sidecar or the import settings.`,
    );
  }
  const pixels = overrides.pixelShape ?? sampleShape;
  const candidate = {
    kind: 'diffusion',
    sampleShape,
    preprocess: overrides.preprocess ??
      sidecar?.preprocess ?? {
        width: pixels.width,
        height: pixels.height,
        channels: pixels.channels,
        scale: 1 / 255,
        mean: [0.5],
        std: [0.5],
      },
    scheduler: overrides.scheduler ?? scheduler,
    predictionType: overrides.predictionType ?? sidecar?.prediction_type,
    io: defined({
      sample: sampleName,
      timestep: overrides.io?.timestep ?? sidecar?.timestep_name ?? sidecar?.input_names?.[1],
      output: overrides.io?.output ?? sidecar?.output_name,
    }),
    vaeScalingFactor: overrides.vaeScalingFactor ?? sidecar?.vae_scaling_factor,
    pixelShape: overrides.pixelShape,
    conditioning: overrides.conditioning,
  };
  return parseWith(DiffusionConfig, candidate, `${what}: diffusion configuration`, 'model.bad-config');
}
