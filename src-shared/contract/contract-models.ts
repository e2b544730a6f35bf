// The contract's part for models: import requests (targets, null models, CLIP pairs, diffusion models), reference
// and shadow sets, a model's details and its check against a dataset. contract.ts re-exports everything here.
import { z } from 'zod';
import { RemoteComponent, RemoteEndpoint, RemoteModelDescriptor, RemoteProtocol } from '../domain/remote-models';
import { Id, ModelSummary } from './contract-common';

const FilePath = z.string().min(1);
const ImportRole = z.enum(['target', 'null', 'shadow', 'reference']).default('target');
/**
 * Explicit settings that win over the model's sidecar. The contract keeps them open (the renderer must not import
 * engine schemas); the model import service validates them against the family's own configuration schema.
 */
const ImportOverrides = z.record(z.string(), z.unknown()).optional();
/** Without it, a model whose files are already in the workspace (same kind, role and model hash) is refused with model.duplicate. */
const AllowDuplicate = z.boolean().optional();

export const ModelImportRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('classifier'),
    name: z.string().trim().min(1).optional(),
    role: ImportRole,
    modelPath: FilePath,
    /** Defaults to `<model>.json` beside the model when that file exists. */
    sidecarPath: FilePath.optional(),
    config: ImportOverrides,
    allowDuplicate: AllowDuplicate,
  }),
  z.strictObject({
    kind: z.literal('clip'),
    name: z.string().trim().min(1).optional(),
    role: ImportRole,
    /**
     * A combined CLIP model (one ONNX file taking pixel_values, input_ids and attention_mask), or its Optimum folder
     * (model.onnx, tokenizer.json, preprocessor_config.json …). Give either it or the three paths below, not both.
     */
    modelPath: FilePath.optional(),
    imageModelPath: FilePath.optional(),
    textModelPath: FilePath.optional(),
    tokenizerPath: FilePath.optional(),
    tokenizerConfigPath: FilePath.optional(),
    sidecarPath: FilePath.optional(),
    textSidecarPath: FilePath.optional(),
    config: ImportOverrides,
    allowDuplicate: AllowDuplicate,
  }),
  z.strictObject({
    kind: z.literal('diffusion'),
    name: z.string().trim().min(1).optional(),
    role: ImportRole,
    /** One denoiser ONNX file; give either it or pipelinePath. */
    modelPath: FilePath.optional(),
    /** A diffusers pipeline folder as Optimum exports it (model_index.json, unet/ or transformer/, vae_encoder/ …). */
    pipelinePath: FilePath.optional(),
    schedulerPath: FilePath.optional(),
    sidecarPath: FilePath.optional(),
    vaeEncoderPath: FilePath.optional(),
    vaeDecoderPath: FilePath.optional(),
    config: ImportOverrides,
    allowDuplicate: AllowDuplicate,
  }),
]);
export type ModelImportRequest = z.input<typeof ModelImportRequest>;

/**
 * A model served over the network (KServe v2 / Triton) as a target or null model. `components` names the served
 * model of each role of its family: `model` for a classifier, `image` and `text` for CLIP (its tokenizer stays a
 * local file), `denoiser` for an unconditional pixel diffusion model (its scheduler stays a local file). The family
 * settings (classes, preprocessing …) come from `config` and an optional local sidecar, as for an ONNX import.
 */
export const ModelRemoteImportRequest = z.strictObject({
  kind: z.enum(['classifier', 'clip', 'diffusion']),
  name: z.string().trim().min(1).optional(),
  role: z.enum(['target', 'null']).default('target'),
  /** 'image-variation': a diffusion target behind `POST /v1/images/variations`, components { variations: { model } }. Default 'kserve-v2'. */
  protocol: RemoteProtocol.optional(),
  endpoint: RemoteEndpoint,
  components: z.record(z.string().min(1), RemoteComponent),
  sidecarPath: FilePath.optional(),
  textSidecarPath: FilePath.optional(),
  tokenizerPath: FilePath.optional(),
  tokenizerConfigPath: FilePath.optional(),
  schedulerPath: FilePath.optional(),
  config: ImportOverrides,
  allowDuplicate: AllowDuplicate,
});
export type ModelRemoteImportRequest = z.input<typeof ModelRemoteImportRequest>;

/** A reference/shadow set from its manifest `{ "models": [ { "path", "trained_on" } ] }`. */
export const ModelSetImportRequest = z.strictObject({
  name: z.string().trim().min(1).optional(),
  purpose: z.enum(['shadow', 'reference']),
  manifestPath: FilePath,
  config: ImportOverrides,
});
export type ModelSetImportRequest = z.input<typeof ModelSetImportRequest>;

export const ModelSetSummary = z.object({
  id: Id,
  name: z.string(),
  purpose: z.enum(['shadow', 'reference']),
  manifestPath: z.string(),
  modelCount: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type ModelSetSummary = z.infer<typeof ModelSetSummary>;

export const TensorDescription = z.object({
  name: z.string(),
  dtype: z.string(),
  /** Fixed sizes, or the names of free dimensions ("batch"). */
  shape: z.array(z.union([z.number(), z.string()])),
});
export type TensorDescription = z.infer<typeof TensorDescription>;

export const ModelDetails = z.object({
  model: ModelSummary,
  modelSetId: Id.nullable(),
  /** Each file's own SHA-256 (what `sha256sum` prints) and its size on disk now (null when it is gone). */
  files: z.array(
    z.object({
      role: z.string(),
      name: z.string(),
      path: z.string(),
      sha256: z.string(),
      bytes: z.number().int().nonnegative().nullable(),
    }),
  ),
  /** Per file role ("model", "image", "text", "denoiser", …): inputs and outputs as read from the model. */
  io: z.record(z.string(), z.object({ inputs: z.array(TensorDescription), outputs: z.array(TensorDescription) })),
  config: z.record(z.string(), z.unknown()),
  /** Records the model was trained on (reference/shadow manifests), or null when unknown. */
  trainedOnCount: z.number().int().nonnegative().nullable(),
  /** For a model served over the network: its endpoint (the name of its key's variable, never a key) and served models. */
  remote: RemoteModelDescriptor.nullable(),
});
export type ModelDetails = z.infer<typeof ModelDetails>;

export const ModelCheckReport = z.object({
  modelId: Id,
  datasetId: Id,
  /** True when every finding is "ok". */
  compatible: z.boolean(),
  findings: z.array(z.object({ check: z.string(), status: z.enum(['ok', 'problem']), message: z.string(), code: z.string().nullable() })),
});
export type ModelCheckReport = z.infer<typeof ModelCheckReport>;

/**
 * Whether a dataset fits a model, from what the workspace stored at import (the model's preprocessing and classes,
 * the records' sizes, channels, captions and labels), without reading or hashing a file: what New run asks on every
 * pick. Each mismatch is one a run start refuses as run.data-mismatch; empty when the data fits.
 */
export const DataFitReport = z.object({
  modelId: Id,
  datasetId: Id,
  mismatches: z.array(z.object({ kind: z.enum(['size', 'channels', 'captions', 'labels', 'classes']), message: z.string() })),
});
export type DataFitReport = z.infer<typeof DataFitReport>;
