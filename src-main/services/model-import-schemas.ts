// Zod schemas of model import requests and reference/shadow manifests (for the IPC contract and the CLI config).
import { z } from 'zod';
import { ClassifierOverrides, ClipOverrides, DiffusionOverrides } from '../engine/models/config-from-sidecar';

const FilePath = z.string().min(1);
const SingleRole = z.enum(['target', 'null', 'shadow', 'reference']).default('target');

export const ImportClassifierRequest = z.strictObject({
  kind: z.literal('classifier'),
  name: z.string().min(1).optional(),
  role: SingleRole,
  modelPath: FilePath,
  /** Defaults to `<model>.json` beside the model when that file exists. */
  sidecarPath: FilePath.optional(),
  /** Explicit settings; they win over the sidecar. */
  config: ClassifierOverrides.optional(),
});
export type ImportClassifierRequest = z.input<typeof ImportClassifierRequest>;

export const ImportClipRequest = z.strictObject({
  kind: z.literal('clip'),
  name: z.string().min(1).optional(),
  role: SingleRole,
  imageModelPath: FilePath,
  textModelPath: FilePath,
  tokenizerPath: FilePath,
  /** Defaults to tokenizer_config.json beside tokenizer.json when that file exists. */
  tokenizerConfigPath: FilePath.optional(),
  /** Defaults to `<image model>.json` beside the image model when that file exists. */
  sidecarPath: FilePath.optional(),
  /** The text encoder's sidecar (max_length, input names); defaults to `<text model>.json` beside it. */
  textSidecarPath: FilePath.optional(),
  config: ClipOverrides.optional(),
});
export type ImportClipRequest = z.input<typeof ImportClipRequest>;

export const ImportDiffusionRequest = z.strictObject({
  kind: z.literal('diffusion'),
  name: z.string().min(1).optional(),
  role: SingleRole,
  modelPath: FilePath,
  /** diffusers scheduler_config.json; defaults to the sidecar's "scheduler", then scheduler.json beside the model. */
  schedulerPath: FilePath.optional(),
  sidecarPath: FilePath.optional(),
  vaeEncoderPath: FilePath.optional(),
  vaeDecoderPath: FilePath.optional(),
  config: DiffusionOverrides.optional(),
});
export type ImportDiffusionRequest = z.input<typeof ImportDiffusionRequest>;

export const ImportModelRequest = z.discriminatedUnion('kind', [ImportClassifierRequest, ImportClipRequest, ImportDiffusionRequest]);
export type ImportModelRequest = z.input<typeof ImportModelRequest>;

/** `{ "models": [ { "path": "ref_00.onnx", "trained_on": ["id", …] } ] }`; paths are relative to the manifest. */
export const ModelSetManifest = z.looseObject({
  models: z
    .array(
      z.looseObject({
        path: FilePath,
        trained_on: z.array(z.string().min(1)),
        name: z.string().min(1).optional(),
      }),
    )
    .min(1),
});
export type ModelSetManifest = z.output<typeof ModelSetManifest>;

/** Reference and shadow models are classifiers (LiRA, RMIA, Shokri); each may have its own sidecar beside it. */
export const ImportModelSetRequest = z.strictObject({
  name: z.string().min(1).optional(),
  purpose: z.enum(['shadow', 'reference']),
  manifestPath: FilePath,
  /** Applied to every model of the set; a model's own sidecar fills what this leaves out. */
  config: ClassifierOverrides.optional(),
});
export type ImportModelSetRequest = z.input<typeof ImportModelSetRequest>;
