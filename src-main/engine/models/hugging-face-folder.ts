// Reads a Hugging Face / Optimum classifier folder (model.onnx, config.json, preprocessor_config.json) into the
// settings a sidecar would otherwise give: class names from config.json's id2label, preprocessing from
// preprocessor_config.json checked against the ONNX input's fixed shape.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import type { ClassifierOverrides } from './config-from-sidecar';
import { readModelJsonFile } from './model-json-file';
import type { TensorInfo } from './onnx-session';
import { preprocessFromHuggingFace } from './preprocess-from-hugging-face';

/** The files of the folder that make up the model (hashed into its identity with the ONNX file's external data). */
export interface HuggingFaceFolderFiles {
  readonly model: string;
  readonly config: string;
  readonly preprocessor_config: string;
}

const fileNames: Record<keyof HuggingFaceFolderFiles, string> = {
  model: 'model.onnx',
  config: 'config.json',
  preprocessor_config: 'preprocessor_config.json',
};

/** True when `modelPath` is a folder, which model import then reads as a Hugging Face layout instead of one ONNX file. */
export function isModelFolder(modelPath: string): boolean {
  try {
    return fs.statSync(modelPath).isDirectory();
  } catch {
    return false; // A missing path is reported by the import as a missing model file, naming it.
  }
}

/** The ONNX file a model path stands for: the path itself, or a folder's model.onnx. */
export function onnxFileOf(modelPath: string): string {
  return isModelFolder(modelPath) ? path.join(modelPath, fileNames.model) : modelPath;
}

/** The folder's three files, refusing (naming it) the first one that is missing. */
export function huggingFaceFolderFiles(folder: string): HuggingFaceFolderFiles {
  const files = Object.fromEntries(Object.entries(fileNames).map(([role, name]) => [role, path.join(folder, name)]));
  for (const [role, file] of Object.entries(files)) {
    if (fs.existsSync(file)) continue;
    throw new MiaError(
      'model.file-missing',
      `Model folder ${folder} has no ${fileNames[role as keyof HuggingFaceFolderFiles]}; a Hugging Face classifier folder ` +
        `needs model.onnx, config.json (id2label) and preprocessor_config.json.`,
      { file },
    );
  }
  return files as unknown as HuggingFaceFolderFiles;
}

const HuggingFaceModelConfig = z.looseObject({ id2label: z.record(z.string(), z.string()) });

/** id2label's names in index order; its keys must be exactly 0 … n−1, since a gap would shift every later class. */
export function classNamesFromConfig(configJson: unknown, configFile: string): string[] {
  const { id2label } = parseWith(HuggingFaceModelConfig, configJson, configFile, 'model.bad-config');
  const keys = Object.keys(id2label);
  const names: string[] = [];
  for (let index = 0; index < keys.length; index++) {
    const name = id2label[String(index)];
    if (name === undefined) {
      const stray = keys.find((key) => !/^(0|[1-9]\d*)$/.test(key) || Number(key) >= keys.length) ?? String(index);
      throw new MiaError(
        'model.bad-config',
        `${configFile}: id2label key "${stray}" breaks the sequence; its keys must be the class indices 0 to ${keys.length - 1} (class "${index}" is missing).`,
        { file: configFile, key: stray },
      );
    }
    names.push(name);
  }
  if (names.length === 0) throw new MiaError('model.bad-config', `${configFile}: id2label is empty; it must name every class.`);
  return names;
}

/** The image input: the one named pixel_values (Optimum's name), else the only input. */
function imageInput(inputs: readonly TensorInfo[]): TensorInfo | undefined {
  return inputs.find((t) => t.name === 'pixel_values') ?? (inputs.length === 1 ? inputs[0] : undefined);
}

/** The classifier settings the folder gives; explicit import settings still win over them. */
export function classifierSettingsFromFolder(
  folder: string,
  files: HuggingFaceFolderFiles,
  inputs: readonly TensorInfo[],
): ClassifierOverrides {
  const input = imageInput(inputs);
  if (!input) {
    throw new MiaError(
      'model.bad-config',
      `${files.model} has ${inputs.length} inputs and none is named pixel_values, so the image input is not known.`,
    );
  }
  const classNames = classNamesFromConfig(readModelJsonFile(files.config, 'Model config', 'model.bad-config'), files.config);
  let preprocess;
  try {
    preprocess = preprocessFromHuggingFace(
      readModelJsonFile(files.preprocessor_config, 'Preprocessor config', 'model.bad-config'),
      input.shape,
    );
  } catch (error) {
    // The reader names the file only by its name; the folder tells the auditor which model's file it is.
    if (!(error instanceof MiaError)) throw error;
    const name = fileNames.preprocessor_config;
    const message = error.message.startsWith(name)
      ? `${name} in ${folder}${error.message.slice(name.length)}`
      : `In ${folder}: ${error.message}`;
    throw new MiaError(error.code, message, error.details);
  }
  return { preprocess, classNames, classes: classNames.length, io: { input: input.name } };
}
