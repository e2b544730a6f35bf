// Reopens an imported model for a run: checks its files are unchanged, then returns the adapter of its family.
import { z } from 'zod';
import { fromJsonColumn } from '../common/json-column';
import { MiaError } from '../common/errors';
import { openClassifier, type ClassifierAdapter } from '../engine/models/classifier-adapter';
import { openClip, type ClipAdapter } from '../engine/models/clip-adapter';
import { openDenoiser, type DenoiserAdapter } from '../engine/models/denoiser-adapter';
import { ModelConfig } from '../engine/models/model-config';
import type { SessionOptions } from '../engine/models/onnx-session';
import { loadTextTokenizer } from '../engine/models/text-tokenizer';
import { openVaeCodec, type LatentCodec } from '../engine/models/vae-codec';
import { getStoredModel, listStoredModelsInSet, type StoredModelRow } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { verifyModelFiles, type StoredFiles } from './model-files';

const StoredFilesSchema = z.record(z.string(), z.object({ path: z.string(), sha256: z.string() }));
const TrainedOn = z.array(z.string());

export type ModelAdapter = ClassifierAdapter | ClipAdapter | DenoiserAdapter;

export interface LoadedModel<A extends ModelAdapter = ModelAdapter> {
  readonly id: number;
  readonly name: string;
  readonly role: StoredModelRow['role'];
  readonly sha256: string;
  /** Record keys the model was trained on (reference/shadow manifests), or null when unknown. */
  readonly trainedOn: readonly string[] | null;
  readonly adapter: A;
  /** Latent diffusion models imported with a VAE encoder and decoder; release it with the adapter. */
  readonly latentCodec: LatentCodec | null;
}

export interface LoadOptions extends SessionOptions {
  readonly maxBatch?: number;
}

function requireFile(files: StoredFiles, role: string, name: string): string {
  const entry = files[role];
  if (!entry) throw new MiaError('workspace.corrupt-column', `Model "${name}" has no ${role} file in its stored file list.`);
  return entry.path;
}

async function openRow(row: StoredModelRow, options: LoadOptions): Promise<LoadedModel> {
  const files = fromJsonColumn(StoredFilesSchema, row.files, `files of model ${row.id}`) as StoredFiles;
  const config = fromJsonColumn(ModelConfig, row.config, `config of model ${row.id}`);
  if (!config) throw new MiaError('workspace.corrupt-column', `Model "${row.name}" has no configuration.`);
  const trainedOn = fromJsonColumn(TrainedOn, row.trained_on, `trained_on of model ${row.id}`);
  await verifyModelFiles(row.name, files, row.sha256);
  let adapter: ModelAdapter;
  let latentCodec: LatentCodec | null = null;
  switch (config.kind) {
    case 'classifier':
      adapter = await openClassifier(requireFile(files, 'model', row.name), config, options);
      break;
    case 'clip': {
      const tokenizer = loadTextTokenizer(requireFile(files, 'tokenizer', row.name), files.tokenizer_config?.path ?? null, config.padTokenId);
      adapter = await openClip({ image: requireFile(files, 'image', row.name), text: requireFile(files, 'text', row.name) }, config, tokenizer, options);
      break;
    }
    case 'diffusion':
      adapter = await openDenoiser(requireFile(files, 'denoiser', row.name), config, options);
      if (files.vae_encoder && files.vae_decoder && config.pixelShape) {
        try {
          latentCodec = await openVaeCodec(
            { encoder: files.vae_encoder.path, decoder: files.vae_decoder.path },
            { pixel: config.pixelShape, latent: config.sampleShape },
            config.vaeScalingFactor ?? 1,
            options,
          );
        } catch (error) {
          await adapter.release();
          throw error;
        }
      }
      break;
  }
  return { id: row.id, name: row.name, role: row.role, sha256: row.sha256, trainedOn, adapter, latentCodec };
}

export async function loadModelForRun(db: WorkspaceDb, modelId: number, options: LoadOptions = {}): Promise<LoadedModel> {
  return openRow(getStoredModel(db, modelId), options);
}

/** All models of a reference/shadow set, in import order; on a failure the ones already opened are released. */
export async function loadModelSetForRun(db: WorkspaceDb, modelSetId: number, options: LoadOptions = {}): Promise<LoadedModel[]> {
  const rows = listStoredModelsInSet(db, modelSetId);
  if (rows.length === 0) throw new MiaError('model.set-not-found', `There is no model set with id ${modelSetId}, or it holds no models.`);
  const loaded: LoadedModel[] = [];
  try {
    for (const row of rows) loaded.push(await openRow(row, options));
  } catch (error) {
    for (const model of loaded) await releaseLoadedModel(model);
    throw error;
  }
  return loaded;
}

/** Narrows a loaded model to the family an attack needs, with a message that says what was expected. */
export function expectFamily<K extends ModelAdapter['kind']>(model: LoadedModel, kind: K): LoadedModel<Extract<ModelAdapter, { kind: K }>> {
  if (model.adapter.kind !== kind) {
    throw new MiaError('model.wrong-kind', `Model "${model.name}" is a ${model.adapter.kind} model; this needs a ${kind} model.`);
  }
  return model as LoadedModel<Extract<ModelAdapter, { kind: K }>>;
}

export async function releaseLoadedModel(model: LoadedModel): Promise<void> {
  await model.adapter.release();
  await model.latentCodec?.release();
}
