// Zod schemas of model import requests and reference/shadow manifests (for the IPC contract and the CLI config).
import { z } from 'zod';
import { ModelImportRequest, ModelSetImportRequest } from '../../src-shared/contract/contract';
import { ClassifierOverrides, ClipOverrides, DiffusionOverrides } from '../engine/models/config-from-sidecar';

const FilePath = z.string().min(1);
const [ClassifierImport, ClipImport, DiffusionImport] = ModelImportRequest.options;

// The contract's requests (one definition of their fields), with the explicit settings checked against each
// family's own configuration schema instead of being passed on as an open record.
export const ImportClassifierRequest = ClassifierImport.extend({ config: ClassifierOverrides.optional() });
export type ImportClassifierRequest = z.input<typeof ImportClassifierRequest>;

export const ImportClipRequest = ClipImport.extend({ config: ClipOverrides.optional() });
export type ImportClipRequest = z.input<typeof ImportClipRequest>;

export const ImportDiffusionRequest = DiffusionImport.extend({ config: DiffusionOverrides.optional() });
export type ImportDiffusionRequest = z.input<typeof ImportDiffusionRequest>;

export const ImportModelRequest = z.discriminatedUnion('kind', [ImportClassifierRequest, ImportClipRequest, ImportDiffusionRequest]);
export type ImportModelRequest = z.input<typeof ImportModelRequest>;

/**
 * A record id as a manifest lists it: the dataset's id text, or a number for the ids people keep as integers
 * (`[0, 1, 3]`); `trainedOnKeys` turns the numbers into the id text, refusing those that cannot be one.
 */
const ListedRecordId = z.union([z.string().min(1), z.number()]);

/** `{ "models": [ { "path": "ref_00.onnx", "trained_on": ["id", 7, …] } ] }`; paths are relative to the manifest. */
export const ModelSetManifest = z.looseObject({
  models: z
    .array(
      z.looseObject({
        path: FilePath,
        trained_on: z.array(ListedRecordId),
        name: z.string().min(1).optional(),
      }),
    )
    .min(1),
});
export type ModelSetManifest = z.output<typeof ModelSetManifest>;

/** Reference and shadow models are classifiers (LiRA, RMIA, Shokri); each may have its own sidecar beside it. */
export const ImportModelSetRequest = ModelSetImportRequest.extend({ config: ClassifierOverrides.optional() });
export type ImportModelSetRequest = z.input<typeof ImportModelSetRequest>;
