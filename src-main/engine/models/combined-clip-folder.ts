// Finds the files of a combined CLIP model (one ONNX file, or an Optimum folder: model.onnx, tokenizer.json,
// tokenizer_config.json, special_tokens_map.json, preprocessor_config.json) and reads its settings from them, so an
// Optimum export needs no project sidecar.
import fs from 'node:fs';
import path from 'node:path';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import type { ClipOverrides } from './config-from-sidecar';
import { isModelFolder } from './hugging-face-folder';
import { readModelJsonFile } from './model-json-file';
import { fixedDim, type TensorInfo } from './onnx-session';
import { preprocessFromHuggingFace } from './preprocess-from-hugging-face';
import { TokenizerConfigJson } from './text-tokenizer';

/** The files that make up the model, keyed by the role they are stored (and hashed) under. */
export interface CombinedClipFiles {
  readonly model: string;
  readonly tokenizer: string;
  readonly tokenizer_config?: string;
  readonly special_tokens_map?: string;
  readonly preprocessor_config?: string;
}

/** `modelPath` is the ONNX file or its folder; the other files are looked for beside the ONNX file. */
export function combinedClipFiles(modelPath: string, tokenizerPath?: string): CombinedClipFiles {
  const folder = isModelFolder(modelPath) ? modelPath : path.dirname(modelPath);
  const model = isModelFolder(modelPath) ? path.join(folder, 'model.onnx') : modelPath;
  if (!fs.existsSync(model)) {
    throw new MiaError('model.file-missing', `Combined CLIP model ${model} does not exist; an Optimum folder holds model.onnx.`, {
      file: model,
    });
  }
  const tokenizer = tokenizerPath ?? path.join(folder, 'tokenizer.json');
  if (!fs.existsSync(tokenizer)) {
    throw new MiaError(
      'model.file-missing',
      `Tokenizer ${tokenizer} does not exist; a combined CLIP model needs its tokenizer.json beside model.onnx (or a tokenizer path).`,
      { file: tokenizer },
    );
  }
  const beside = (name: string) => (fs.existsSync(path.join(folder, name)) ? path.join(folder, name) : undefined);
  const optional = {
    tokenizer_config: beside('tokenizer_config.json'),
    special_tokens_map: beside('special_tokens_map.json'),
    preprocessor_config: beside('preprocessor_config.json'),
  };
  return { model, tokenizer, ...Object.fromEntries(Object.entries(optional).filter(([, file]) => file !== undefined)) };
}

/**
 * The preprocessing (preprocessor_config.json, checked against the pixel input's fixed dims) and, when the model
 * leaves the token length free as Optimum does, the tokenizer configuration's model_max_length.
 */
export function combinedClipSettings(files: CombinedClipFiles, pixels: TensorInfo, ids: TensorInfo): ClipOverrides {
  const settings: ClipOverrides = {};
  if (files.preprocessor_config) {
    const json = readModelJsonFile(files.preprocessor_config, 'Image processor configuration', 'model.bad-config');
    settings.preprocess = preprocessFromHuggingFace(json, pixels.shape);
  }
  if (fixedDim(ids.shape[1]) === null && files.tokenizer_config) {
    const json = readModelJsonFile(files.tokenizer_config, 'Tokenizer configuration', 'model.bad-tokenizer');
    const length = parseWith(TokenizerConfigJson, json, files.tokenizer_config, 'model.bad-tokenizer').model_max_length;
    // Tokenizers without a limit store a huge sentinel (1e30); only a real context length is taken.
    if (length !== undefined && Number.isInteger(length) && length > 0 && length <= 4096) settings.maxLength = length;
  }
  return settings;
}
