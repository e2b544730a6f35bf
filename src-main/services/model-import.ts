// Imports models into the workspace: classifiers, CLIP-style pairs, diffusion denoisers, and reference/shadow sets
// from a manifest. Every model is opened and checked (I/O, shapes, class count) before its row is written.
import fs from 'node:fs';
import path from 'node:path';
import type { ModelSummary } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import { createClassifier } from '../engine/models/classifier-adapter';
import { createClip } from '../engine/models/clip-adapter';
import { assertClipEncoderRoles, looksLike } from '../engine/models/clip-encoder-roles';
import {
  buildClassifierConfig,
  buildClipConfig,
  buildDiffusionConfig,
  type ClassifierOverrides,
} from '../engine/models/config-from-sidecar';
import { createDenoiser } from '../engine/models/denoiser-adapter';
import { classifierSettingsFromFolder, huggingFaceFolderFiles, isModelFolder } from '../engine/models/hugging-face-folder';
import { createNoiseSchedule } from '../engine/diffusion/scheduler';
import { readModelJsonFile } from '../engine/models/model-json-file';
import { openOnnxModel, type OnnxModel } from '../engine/models/onnx-session';
import { ModelSidecar, sidecarFamily } from '../engine/models/sidecar';
import { loadTextTokenizer } from '../engine/models/text-tokenizer';
import { insertModel, insertModelSet, type NewModel } from '../workspace/model-writes';
import { getModel, type ModelIo } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { prepareCombinedClip } from './clip-combined-import';
import { preparePipeline } from './pipeline-import';
import { refuseDuplicateModel } from './import-duplicates';
import { hashModelFiles, resolveBeside, sidecarBeside } from './model-files';
import {
  ImportClassifierRequest,
  ImportClipRequest,
  ImportDiffusionRequest,
  ImportModelRequest,
  ImportModelSetRequest,
  ModelSetManifest,
} from './model-import-schemas';
import { trainedOnKeys } from './trained-on-keys';

export function readSidecar(file: string | null, expectedKind: 'classifier' | 'clip' | 'diffusion'): ModelSidecar | null {
  if (!file) return null;
  const sidecar = parseWith(
    ModelSidecar,
    readModelJsonFile(file, 'Model sidecar', 'model.bad-sidecar'),
    `Model sidecar ${file}`,
    'model.bad-sidecar',
  );
  if (sidecar.kind && sidecarFamily(sidecar.kind) !== expectedKind) {
    throw new MiaError(
      'model.wrong-kind',
      `Sidecar ${file} describes a ${sidecar.kind} model; this import is for a ${expectedKind} model.`,
      { file },
    );
  }
  return sidecar;
}

const absolute = (file: string) => path.resolve(file);
const stem = (file: string) => path.basename(file, path.extname(file));
export const ioOf = (model: OnnxModel) => ({
  inputs: [...model.inputs].map((t) => ({ ...t, shape: [...t.shape] })),
  outputs: [...model.outputs].map((t) => ({ ...t, shape: [...t.shape] })),
});

/** Opens the listed models, hands them to `use`, and releases them whatever happens. */
async function withModels<T>(files: readonly string[], use: (models: OnnxModel[]) => T | Promise<T>): Promise<T> {
  const opened: OnnxModel[] = [];
  try {
    for (const file of files) opened.push(await openOnnxModel(file));
    return await use(opened);
  } finally {
    for (const model of opened) await model.release();
  }
}

type PreparedModel = Omit<NewModel, 'modelSetId'>;

/** A model imported on its own, unless the same files are already in the workspace and the request did not allow a copy. */
export function insertSingleModel(db: WorkspaceDb, prepared: PreparedModel, allowDuplicate: boolean | undefined): ModelSummary {
  refuseDuplicateModel(db, prepared, allowDuplicate === true);
  return getModel(db, insertModel(db, { ...prepared, modelSetId: null }));
}

/** `modelPath` is an ONNX file (with an optional sidecar) or a Hugging Face folder (hugging-face-folder.ts). */
async function prepareClassifier(
  modelPath: string,
  sidecarFile: string | null,
  overrides: ClassifierOverrides,
  role: NewModel['role'],
  name: string,
  trainedOn: readonly string[] | null,
): Promise<PreparedModel> {
  const folder = isModelFolder(modelPath) ? huggingFaceFolderFiles(modelPath) : null;
  if (folder && sidecarFile) {
    throw new MiaError('model.bad-import-request', `Model folder ${modelPath} brings its own config.json; give no sidecar with it.`);
  }
  const modelFile = folder?.model ?? modelPath;
  const sidecar = readSidecar(sidecarFile, 'classifier');
  const { config, io } = await withModels([modelFile], ([model]) => {
    const onnx = model as OnnxModel;
    const fromFolder = folder ? classifierSettingsFromFolder(modelPath, folder, onnx.inputs) : {};
    const built = buildClassifierConfig(sidecar, { ...fromFolder, ...overrides }, onnx, path.basename(modelFile));
    createClassifier(onnx, built); // runs the shape, dtype and class-count checks
    return { config: built, io: { model: ioOf(onnx) } satisfies ModelIo };
  });
  // A folder's config files are part of the model's identity, as a sidecar's settings are part of its stored config.
  const { files, sha256 } = await hashModelFiles(folder ? { ...folder } : { model: modelFile });
  return { name, kind: 'classifier', role, files, sha256, config, io, trainedOn: trainedOn ?? sidecar?.trained_on_ids ?? null };
}

export async function importClassifier(db: WorkspaceDb, request: ImportClassifierRequest): Promise<ModelSummary> {
  const parsed = parseWith(ImportClassifierRequest, request, 'Classifier import request', 'model.bad-import-request');
  const modelFile = absolute(parsed.modelPath);
  const sidecarFile = parsed.sidecarPath ? absolute(parsed.sidecarPath) : isModelFolder(modelFile) ? null : sidecarBeside(modelFile);
  const prepared = await prepareClassifier(modelFile, sidecarFile, parsed.config ?? {}, parsed.role, parsed.name ?? stem(modelFile), null);
  return insertSingleModel(db, prepared, parsed.allowDuplicate);
}

export async function importClip(db: WorkspaceDb, request: ImportClipRequest): Promise<ModelSummary> {
  const parsed = parseWith(ImportClipRequest, request, 'CLIP import request', 'model.bad-import-request');
  const { imageModelPath, textModelPath, tokenizerPath } = parsed;
  if (parsed.modelPath !== undefined) {
    if (imageModelPath !== undefined || textModelPath !== undefined || parsed.textSidecarPath !== undefined) {
      throw new MiaError(
        'model.bad-import-request',
        'CLIP import: give modelPath (one combined model) or imageModelPath and textModelPath, not both.',
      );
    }
    const combined = await prepareCombinedClip(absolute(parsed.modelPath), {
      ...(tokenizerPath ? { tokenizerPath: absolute(tokenizerPath) } : {}),
      ...(parsed.sidecarPath ? { sidecarPath: absolute(parsed.sidecarPath) } : {}),
      ...(parsed.name ? { name: parsed.name } : {}),
      overrides: parsed.config ?? {},
    });
    return insertSingleModel(db, { ...combined, kind: 'clip', role: parsed.role, trainedOn: null }, parsed.allowDuplicate);
  }
  if (imageModelPath === undefined || textModelPath === undefined || tokenizerPath === undefined) {
    throw new MiaError(
      'model.bad-import-request',
      'CLIP import: imageModelPath, textModelPath and tokenizerPath are all needed, unless modelPath names one combined model.',
    );
  }
  const imageFile = absolute(imageModelPath);
  const textFile = absolute(textModelPath);
  const tokenizerFile = absolute(tokenizerPath);
  const besideTokenizer = path.join(path.dirname(tokenizerFile), 'tokenizer_config.json');
  const tokenizerConfigFile = parsed.tokenizerConfigPath
    ? absolute(parsed.tokenizerConfigPath)
    : fs.existsSync(besideTokenizer)
      ? besideTokenizer
      : null;
  const sidecars = {
    image: readSidecar(parsed.sidecarPath ? absolute(parsed.sidecarPath) : sidecarBeside(imageFile), 'clip'),
    text: readSidecar(parsed.textSidecarPath ? absolute(parsed.textSidecarPath) : sidecarBeside(textFile), 'clip'),
  };
  if (!fs.existsSync(tokenizerFile))
    throw new MiaError('model.file-missing', `Tokenizer ${tokenizerFile} does not exist.`, { file: tokenizerFile });
  const { config, io } = await withModels([imageFile, textFile], ([image, text]) => {
    // Swapped files would otherwise fail on the image sidecar's missing preprocessing, which says nothing useful.
    assertClipEncoderRoles(
      {
        file: path.basename(imageFile),
        look: looksLike((image as OnnxModel).inputs, sidecars.image?.kind),
        inputs: (image as OnnxModel).inputs,
      },
      {
        file: path.basename(textFile),
        look: looksLike((text as OnnxModel).inputs, sidecars.text?.kind),
        inputs: (text as OnnxModel).inputs,
      },
    );
    const built = buildClipConfig(sidecars, parsed.config ?? {}, (image as OnnxModel).inputs, path.basename(imageFile));
    const tokenizer = loadTextTokenizer(tokenizerFile, tokenizerConfigFile, built.padTokenId);
    const adapter = createClip(image as OnnxModel, text as OnnxModel, built, tokenizer);
    // The length the text encoder takes is stored, so a run does not depend on re-deriving it.
    return {
      config: { ...built, maxLength: adapter.maxLength },
      io: { image: ioOf(image as OnnxModel), text: ioOf(text as OnnxModel) } satisfies ModelIo,
    };
  });
  const paths: Record<string, string> = { image: imageFile, text: textFile, tokenizer: tokenizerFile };
  if (tokenizerConfigFile) paths.tokenizer_config = tokenizerConfigFile;
  const { files, sha256 } = await hashModelFiles(paths);
  const name = parsed.name ?? path.basename(path.dirname(imageFile));
  return insertSingleModel(
    db,
    { name, kind: 'clip', role: parsed.role, files, sha256, config, io, trainedOn: null },
    parsed.allowDuplicate,
  );
}

export async function importDiffusion(db: WorkspaceDb, request: ImportDiffusionRequest): Promise<ModelSummary> {
  const parsed = parseWith(ImportDiffusionRequest, request, 'Diffusion import request', 'model.bad-import-request');
  if (parsed.pipelinePath !== undefined) {
    if (parsed.modelPath || parsed.schedulerPath || parsed.sidecarPath || parsed.vaeEncoderPath || parsed.vaeDecoderPath) {
      throw new MiaError(
        'model.bad-import-request',
        'Diffusion import: a pipelinePath brings its own denoiser, scheduler and VAE; give no modelPath, schedulerPath, sidecarPath or VAE paths with it.',
      );
    }
    const pipeline = await preparePipeline(absolute(parsed.pipelinePath), parsed.config ?? {}, parsed.name);
    return insertSingleModel(db, { ...pipeline, kind: 'diffusion', role: parsed.role, trainedOn: null }, parsed.allowDuplicate);
  }
  if (parsed.modelPath === undefined) {
    throw new MiaError(
      'model.bad-import-request',
      'Diffusion import: give modelPath (one denoiser file) or pipelinePath (a pipeline folder).',
    );
  }
  const modelFile = absolute(parsed.modelPath);
  const sidecarFile = parsed.sidecarPath ? absolute(parsed.sidecarPath) : sidecarBeside(modelFile);
  const sidecar = readSidecar(sidecarFile, 'diffusion');
  const schedulerFile = parsed.schedulerPath
    ? absolute(parsed.schedulerPath)
    : sidecarFile && sidecar?.scheduler
      ? resolveBeside(sidecarFile, sidecar.scheduler)
      : path.join(path.dirname(modelFile), 'scheduler.json');
  const scheduler = readModelJsonFile(schedulerFile, 'Scheduler configuration', 'model.bad-scheduler');
  const vaeFiles = { vae_encoder: parsed.vaeEncoderPath, vae_decoder: parsed.vaeDecoderPath };
  const { config, io } = await withModels([modelFile], ([model]) => {
    const onnx = model as OnnxModel;
    const built = buildDiffusionConfig(sidecar, scheduler, parsed.config ?? {}, onnx.inputs, path.basename(modelFile));
    createDenoiser(onnx, built, createNoiseSchedule(built.scheduler, built.predictionType));
    return { config: built, io: { denoiser: ioOf(onnx) } as ModelIo };
  });
  const paths: Record<string, string> = { denoiser: modelFile, scheduler: schedulerFile };
  for (const [role, file] of Object.entries(vaeFiles)) {
    if (!file) continue;
    paths[role] = absolute(file);
    io[role] = await withModels([absolute(file)], ([vae]) => ioOf(vae as OnnxModel));
  }
  const { files, sha256 } = await hashModelFiles(paths);
  const name = parsed.name ?? stem(modelFile);
  return insertSingleModel(
    db,
    { name, kind: 'diffusion', role: parsed.role, files, sha256, config, io, trainedOn: sidecar?.trained_on_ids ?? null },
    parsed.allowDuplicate,
  );
}

export async function importModel(db: WorkspaceDb, request: ImportModelRequest): Promise<ModelSummary> {
  const parsed = parseWith(ImportModelRequest, request, 'Model import request', 'model.bad-import-request');
  switch (parsed.kind) {
    case 'classifier':
      return importClassifier(db, parsed);
    case 'clip':
      return importClip(db, parsed);
    case 'diffusion':
      return importDiffusion(db, parsed);
  }
}

export interface ImportedModelSet {
  readonly setId: number;
  readonly models: ModelSummary[];
}

/** Every model of the manifest is checked before any row is written; the set lands in one transaction. */
export async function importModelSet(db: WorkspaceDb, request: ImportModelSetRequest): Promise<ImportedModelSet> {
  const parsed = parseWith(ImportModelSetRequest, request, 'Model set import request', 'model.bad-import-request');
  const manifestFile = absolute(parsed.manifestPath);
  const manifest = parseWith(
    ModelSetManifest,
    readModelJsonFile(manifestFile, 'Model manifest', 'model.bad-manifest'),
    `Model manifest ${manifestFile}`,
    'model.bad-manifest',
  );
  const prepared: PreparedModel[] = [];
  for (const [index, entry] of manifest.models.entries()) {
    const modelFile = resolveBeside(manifestFile, entry.path);
    if (!fs.existsSync(modelFile)) {
      throw new MiaError(
        'model.file-missing',
        `Model manifest ${manifestFile}, entry ${index + 1}: ${entry.path} does not exist (looked for ${modelFile}).`,
        { file: modelFile },
      );
    }
    const role = parsed.purpose;
    prepared.push(
      await prepareClassifier(
        modelFile,
        sidecarBeside(modelFile),
        parsed.config ?? {},
        role,
        entry.name ?? stem(modelFile),
        trainedOnKeys(entry.trained_on, `Model manifest ${manifestFile}, entry ${index + 1} (${entry.path})`),
      ),
    );
  }
  const name = parsed.name ?? `${path.basename(path.dirname(manifestFile))} (${parsed.purpose})`;
  const { setId, modelIds } = insertModelSet(db, { name, purpose: parsed.purpose, manifestPath: manifestFile }, prepared);
  return { setId, models: modelIds.map((id) => getModel(db, id)) };
}
