// Prepares a combined CLIP model (one ONNX file serving as both encoders, or its Optimum folder) for import: its
// settings from the folder's Hugging Face files, a sidecar beside the ONNX file, or explicit settings (these win);
// then the same checks a run makes, by building the adapter once.
import path from 'node:path';
import { parseWith } from '../common/parse';
import { MiaError } from '../common/errors';
import { combinedClipFiles, combinedClipSettings } from '../engine/models/combined-clip-folder';
import { combinedClipIo, createCombinedClip } from '../engine/models/combined-clip';
import { buildClipConfig, type ClipOverrides } from '../engine/models/config-from-sidecar';
import { readModelJsonFile } from '../engine/models/model-json-file';
import type { ClipConfig } from '../engine/models/model-config';
import { openOnnxModel } from '../engine/models/onnx-session';
import { ModelSidecar } from '../engine/models/sidecar';
import { loadTextTokenizer } from '../engine/models/text-tokenizer';
import type { ModelIo } from '../workspace/models-repo';
import { hashModelFiles, sidecarBeside, type StoredFiles } from './model-files';

export interface PreparedCombinedClip {
  readonly name: string;
  readonly files: StoredFiles;
  readonly sha256: string;
  readonly config: ClipConfig;
  readonly io: ModelIo;
}

function readSidecar(file: string | null): ModelSidecar | null {
  if (!file) return null;
  return parseWith(
    ModelSidecar,
    readModelJsonFile(file, 'Model sidecar', 'model.bad-sidecar'),
    `Model sidecar ${file}`,
    'model.bad-sidecar',
  );
}

export async function prepareCombinedClip(
  modelPath: string,
  options: { tokenizerPath?: string; sidecarPath?: string; overrides: ClipOverrides; name?: string },
): Promise<PreparedCombinedClip> {
  const files = combinedClipFiles(modelPath, options.tokenizerPath);
  const sidecar = readSidecar(options.sidecarPath ?? sidecarBeside(files.model));
  const model = await openOnnxModel(files.model);
  let config: ClipConfig;
  try {
    const io = combinedClipIo(options.overrides.io ?? {});
    const named = (name: string) => model.inputs.find((t) => t.name === name);
    const pixels = named(io.imageInput);
    const ids = named(io.textIds);
    if (!pixels || !ids) {
      throw new MiaError(
        'model.incompatible',
        `${files.model} is not a combined CLIP model: it needs the inputs "${io.imageInput}" and "${io.textIds}", and takes ${model.inputs.map((t) => `"${t.name}"`).join(', ')}.`,
        { file: files.model },
      );
    }
    const fromFolder = combinedClipSettings(files, pixels, ids);
    // Guessing the normalisation from the input shape alone would make a silent preprocessing mismatch likely.
    if (!fromFolder.preprocess && !options.overrides.preprocess && !sidecar?.preprocess) {
      throw new MiaError(
        'model.bad-config',
        `${files.model}: no preprocessing was found for it; put its preprocessor_config.json beside it (as Optimum exports it), or give the preprocessing in a sidecar or the import settings.`,
        { file: files.model },
      );
    }
    const what = path.basename(files.model);
    config = buildClipConfig({ image: sidecar, text: sidecar }, { ...fromFolder, ...options.overrides }, model.inputs, what);
    const tokenizer = loadTextTokenizer(files.tokenizer, files.tokenizer_config ?? null, config.padTokenId);
    const adapter = createCombinedClip(model, config, tokenizer);
    // The length and I/O names the adapter settled on are stored, so a run does not depend on re-deriving them.
    config = { ...adapter.config, maxLength: adapter.maxLength };
  } finally {
    await model.release();
  }
  const io: ModelIo = {
    model: {
      inputs: model.inputs.map((t) => ({ ...t, shape: [...t.shape] })),
      outputs: model.outputs.map((t) => ({ ...t, shape: [...t.shape] })),
    },
  };
  const { files: stored, sha256 } = await hashModelFiles({ ...files });
  const name = options.name ?? path.basename(path.dirname(files.model));
  return { name, files: stored, sha256, config, io };
}
