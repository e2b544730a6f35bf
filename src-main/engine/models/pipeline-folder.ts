// Reads a diffusers pipeline folder as Hugging Face Optimum exports it (model_index.json, unet/ or transformer/,
// vae_encoder/, vae_decoder/, text_encoder/ with tokenizer/, scheduler/) as one diffusion target: which files make it
// up (refusing, naming the component, a folder that lacks one), what each denoiser input is (read from the ONNX
// model's shapes and types, not from names alone), and its tokenizer. Whether the parts fit: pipeline-settings.ts.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import { loadClipTokenizerFromVocabMerges } from './clip-vocab-merges-tokenizer';
import { readModelJsonFile } from './model-json-file';
import { formatTensorInfo, type TensorInfo } from './onnx-session';
import { loadTextTokenizer, type TextTokenizer } from './text-tokenizer';

/** model_index.json: the pipeline's class, one ["library", "Class"] entry per component, and (DiT) the class count. */
const ModelIndex = z.looseObject({
  _class_name: z.string().min(1),
  num_classes: z.number().int().min(1).optional(),
});
export type ModelIndex = z.output<typeof ModelIndex>;

/** A component's ONNX inputs and outputs, as the import reads them from the opened model. */
export interface ComponentIo {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

/** The folder's files, keyed by the role they are stored (and hashed) under; the ONNX roles come first. */
export interface PipelineFiles {
  readonly denoiser: string;
  readonly vae_encoder: string;
  readonly vae_decoder: string;
  readonly text_encoder?: string;
  readonly model_index: string;
  readonly scheduler: string;
  readonly vae_encoder_config?: string;
  readonly vae_decoder_config?: string;
  readonly denoiser_config?: string;
  readonly tokenizer_vocab?: string;
  readonly tokenizer_merges?: string;
  readonly tokenizer_json?: string;
  readonly tokenizer_config?: string;
  readonly special_tokens_map?: string;
}

export interface PipelineFolder {
  readonly folder: string;
  readonly index: ModelIndex;
  readonly files: PipelineFiles;
}

/** What each denoiser input is for; the optional ones make the denoiser class- or text-conditional. */
export interface DenoiserInputRoles {
  readonly sample: TensorInfo;
  readonly timestep: TensorInfo;
  readonly classLabels?: TensorInfo;
  readonly encoderHiddenStates?: TensorInfo;
}

/** True when `folder` is a folder holding model_index.json. */
export function isPipelineFolder(folder: string): boolean {
  return fs.existsSync(path.join(folder, 'model_index.json')) && fs.statSync(folder).isDirectory();
}

function incomplete(folder: string, what: string, file: string): MiaError {
  return new MiaError(
    'model.pipeline-incomplete',
    `Pipeline folder ${folder} has no ${what} (looked for ${path.relative(folder, file)}).`,
    { folder, file },
  );
}

const existing = (file: string) => (fs.existsSync(file) ? file : undefined);

/** A component is present when model_index.json lists it with a class, or its subfolder exists. */
function listed(index: ModelIndex, folder: string, name: string): boolean {
  const entry = (index as Record<string, unknown>)[name];
  if (Array.isArray(entry)) return entry.some((part) => part !== null);
  return fs.existsSync(path.join(folder, name));
}

/** The folder's files, refusing (naming the component) the first one a pipeline of its kind needs and lacks. */
export function readPipelineFolder(folder: string): PipelineFolder {
  const indexFile = path.join(folder, 'model_index.json');
  if (!fs.existsSync(indexFile)) throw incomplete(folder, 'model_index.json, so it is not a diffusers pipeline folder', indexFile);
  const index = parseWith(ModelIndex, readModelJsonFile(indexFile, 'Pipeline index', 'model.bad-config'), indexFile, 'model.bad-config');
  // DiT pipelines call their denoiser "transformer", Stable Diffusion pipelines "unet".
  const denoiserDir = listed(index, folder, 'transformer') ? 'transformer' : 'unet';
  const need = (sub: string, name: string, what: string) => {
    const file = path.join(folder, sub, name);
    if (!fs.existsSync(file)) throw incomplete(folder, what, file);
    return file;
  };
  const files: Record<string, string | undefined> = {
    denoiser: need(denoiserDir, 'model.onnx', `denoiser (${denoiserDir}/model.onnx)`),
    vae_encoder: need('vae_encoder', 'model.onnx', 'VAE encoder (vae_encoder/model.onnx)'),
    vae_decoder: need('vae_decoder', 'model.onnx', 'VAE decoder (vae_decoder/model.onnx)'),
    model_index: indexFile,
    scheduler: need('scheduler', 'scheduler_config.json', 'scheduler configuration (scheduler/scheduler_config.json)'),
    vae_encoder_config: existing(path.join(folder, 'vae_encoder', 'config.json')),
    vae_decoder_config: existing(path.join(folder, 'vae_decoder', 'config.json')),
    denoiser_config: existing(path.join(folder, denoiserDir, 'config.json')),
  };
  if (listed(index, folder, 'text_encoder')) {
    files.text_encoder = need('text_encoder', 'model.onnx', 'text encoder (text_encoder/model.onnx)');
    const tokenizer = path.join(folder, 'tokenizer');
    const vocab = existing(path.join(tokenizer, 'vocab.json'));
    const merges = existing(path.join(tokenizer, 'merges.txt'));
    const json = existing(path.join(tokenizer, 'tokenizer.json'));
    if (!(vocab && merges) && !json) {
      throw new MiaError(
        'model.pipeline-incomplete',
        `Pipeline folder ${folder} has a text encoder but no tokenizer: it needs tokenizer/vocab.json and tokenizer/merges.txt ` +
          `(or tokenizer/tokenizer.json) to turn prompts into the text encoder's input_ids.`,
        { folder, file: path.join(tokenizer, vocab ? 'merges.txt' : 'vocab.json') },
      );
    }
    Object.assign(files, {
      tokenizer_vocab: vocab && merges ? vocab : undefined,
      tokenizer_merges: vocab && merges ? merges : undefined,
      tokenizer_json: json,
      tokenizer_config: existing(path.join(tokenizer, 'tokenizer_config.json')),
      special_tokens_map: existing(path.join(tokenizer, 'special_tokens_map.json')),
    });
  }
  const present = Object.fromEntries(Object.entries(files).filter(([, file]) => file !== undefined)) as unknown as PipelineFiles;
  return { folder, index, files: present };
}

const isFloat = (t: TensorInfo) => t.dtype.startsWith('float');
const isInteger = (t: TensorInfo) => t.dtype.startsWith('int');

/**
 * The denoiser's inputs by shape and type: the 4-D float input is the sample, the 3-D float input the encoder hidden
 * states, and of the rank-0/1 inputs the integer one named class_labels (or, unnamed, the second) carries the labels.
 */
export function denoiserInputRoles(file: string, inputs: readonly TensorInfo[]): DenoiserInputRoles {
  const sample = inputs.find((t) => t.shape.length === 4 && isFloat(t));
  const encoderHiddenStates = inputs.find((t) => t.shape.length === 3 && isFloat(t));
  const vectors = inputs.filter((t) => t.shape.length <= 1);
  const classLabels =
    vectors.find((t) => t.name === 'class_labels') ?? (vectors.length === 2 ? vectors.find((t, i) => i === 1 && isInteger(t)) : undefined);
  const timestep = vectors.find((t) => t !== classLabels);
  const known = [sample, timestep, classLabels, encoderHiddenStates].filter((t) => t !== undefined);
  const unknown = inputs.filter((t) => !known.includes(t));
  if (!sample || !timestep || unknown.length > 0) {
    throw new MiaError(
      'model.incompatible',
      `${file}: a denoiser takes a sample [N, C, H, W], a timestep [N] and optionally class labels [N] or encoder hidden states ` +
        `[N, L, D]; its inputs are ${inputs.map(formatTensorInfo).join(', ')}.`,
      { file },
    );
  }
  return {
    sample,
    timestep,
    ...(classLabels ? { classLabels } : {}),
    ...(encoderHiddenStates ? { encoderHiddenStates } : {}),
  };
}

/** The pipeline's tokenizer: vocab.json + merges.txt as Stable Diffusion ships it, else tokenizer/tokenizer.json. */
export function loadPipelineTokenizer(
  files: { readonly tokenizer_vocab?: string; readonly tokenizer_json?: string; readonly tokenizer_config?: string },
  length: number,
): TextTokenizer {
  if (files.tokenizer_vocab) return loadClipTokenizerFromVocabMerges(path.dirname(path.dirname(files.tokenizer_vocab)), length);
  if (files.tokenizer_json) return loadTextTokenizer(files.tokenizer_json, files.tokenizer_config ?? null);
  throw new MiaError('model.pipeline-incomplete', 'A text-conditional pipeline needs its tokenizer (tokenizer/vocab.json and merges.txt).');
}
