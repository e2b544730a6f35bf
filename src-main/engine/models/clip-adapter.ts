// The CLIP-style dual-encoder adapter: image encoder, text encoder and tokenizer; L2-normalised embeddings.
import { MiaError } from '../../common/errors';
import { chunkSize, forEachChunk } from './batching';
import { cosineSimilarity, l2NormalizeRows } from './embeddings';
import { checkImageInput, pickTensor } from './model-compat';
import type { ClipConfig } from './model-config';
import { fixedDim, formatTensorInfo, openOnnxModel, type OnnxModel, type SessionOptions, type TensorInfo } from './onnx-session';
import { preprocessBatch, type PixelImage } from './preprocess';
import { batchDims, imageSize } from './preprocess-spec';
import { makeTensor, tensorToFloat32 } from './tensor-data';
import type { TextTokenizer } from './text-tokenizer';

export interface ClipAdapter {
  readonly kind: 'clip';
  readonly config: ClipConfig;
  readonly imageFile: string;
  readonly textFile: string;
  readonly maxLength: number;
  readonly tokenizer: TextTokenizer;
  /** Images and captions encoded so far. */
  readonly modelCalls: { readonly images: number; readonly texts: number };
  /** `batch` holds `count` preprocessed images; returns normalised [count, D]. */
  embedImages(batch: Float32Array, count: number): Promise<Float32Array>;
  embedImagePixels(images: readonly PixelImage[]): Promise<Float32Array>;
  embedTexts(texts: readonly string[]): Promise<Float32Array>;
  /** Embedding width D (known after the first call when the model leaves it symbolic). */
  dimension(): number | null;
  cosineSimilarity(images: Float32Array, texts: Float32Array): Float64Array;
  release(): Promise<void>;
}

export interface ClipOptions extends SessionOptions {
  readonly maxBatch?: number;
}

export async function openClip(
  files: { image: string; text: string },
  config: ClipConfig,
  tokenizer: TextTokenizer,
  options: ClipOptions = {},
): Promise<ClipAdapter> {
  const image = await openOnnxModel(files.image, options);
  let text: OnnxModel | null = null;
  try {
    text = await openOnnxModel(files.text, options);
    return createClip(image, text, config, tokenizer, options);
  } catch (error) {
    await image.release();
    await text?.release();
    throw error;
  }
}

function incompatible(file: string, message: string): MiaError {
  return new MiaError('model.incompatible', `${file}: ${message}`, { file });
}

function findTextInputs(model: OnnxModel, config: ClipConfig): { ids: TensorInfo; mask: TensorInfo | null } {
  const named = (name: string | undefined) => (name === undefined ? undefined : pickTensor(model.inputs, name, 'input', model.file));
  const ids = named(config.io.textIds) ?? model.inputs.find((t) => !/mask/i.test(t.name)) ?? model.inputs[0];
  if (!ids) throw incompatible(model.file, 'the text encoder has no inputs.');
  const mask = named(config.io.textMask) ?? model.inputs.find((t) => t !== ids && /mask/i.test(t.name)) ?? null;
  const others = model.inputs.filter((t) => t !== ids && t !== mask);
  if (others.length > 0)
    throw incompatible(
      model.file,
      `text encoder inputs ${others.map(formatTensorInfo).join(', ')} are not understood; map the token-id and attention-mask inputs in the model configuration.`,
    );
  for (const input of [ids, mask]) {
    if (input && !['int64', 'int32'].includes(input.dtype))
      throw incompatible(model.file, `text input ${formatTensorInfo(input)} must be int64 or int32.`);
    if (input && input.shape.length !== 0 && input.shape.length !== 2)
      throw incompatible(model.file, `text input ${formatTensorInfo(input)} must be [batch, sequence].`);
  }
  return { ids, mask };
}

function checkEmbeddingOutput(file: string, output: TensorInfo): number | null {
  if (output.shape.length !== 0 && output.shape.length !== 2) {
    throw incompatible(
      file,
      `output ${formatTensorInfo(output)} must be a pooled embedding [batch, D]; per-token outputs need pooling inside the exported graph.`,
    );
  }
  return fixedDim(output.shape[1]);
}

export function createClip(
  image: OnnxModel,
  text: OnnxModel,
  config: ClipConfig,
  tokenizer: TextTokenizer,
  options: ClipOptions = {},
): ClipAdapter {
  const imageInput = pickTensor(image.inputs, config.io.imageInput, 'input', image.file);
  checkImageInput(imageInput, config.preprocess, image.file);
  const imageOutput = pickTensor(image.outputs, config.io.imageOutput, 'output', image.file);
  const textOutput = pickTensor(text.outputs, config.io.textOutput, 'output', text.file);
  let dim: number | null = checkEmbeddingOutput(image.file, imageOutput);
  const textDim = checkEmbeddingOutput(text.file, textOutput);
  if (dim !== null && textDim !== null && dim !== textDim) {
    throw incompatible(text.file, `text embeddings have ${textDim} values but image embeddings (${image.file}) have ${dim}.`);
  }
  dim ??= textDim;
  const { ids: idsInput, mask: maskInput } = findTextInputs(text, config);
  const fixedLength = fixedDim(idsInput.shape[1]);
  const maxLength = config.maxLength ?? fixedLength;
  if (maxLength === null)
    throw incompatible(text.file, `the token sequence length is not fixed in the model; give max_length in the sidecar.`);
  if (fixedLength !== null && fixedLength !== maxLength) {
    throw incompatible(
      text.file,
      `input ${formatTensorInfo(idsInput)} takes ${fixedLength} tokens, but the configuration says max_length ${maxLength}.`,
    );
  }
  const size = imageSize(config.preprocess);
  const imageStep = chunkSize(imageInput, options.maxBatch);
  const textStep = chunkSize(idsInput, options.maxBatch);
  const calls = { images: 0, texts: 0 };

  function takeEmbeddings(values: Float32Array, rows: number, file: string, name: string): Float32Array {
    const width = values.length / rows;
    dim ??= width;
    if (width !== dim) throw incompatible(file, `output ${name} gives ${width} values per row; the other encoder gives ${dim}.`);
    return values;
  }

  async function embedImages(batch: Float32Array, count: number): Promise<Float32Array> {
    if (batch.length !== count * size)
      throw new MiaError('model.bad-input', `${image.file}: ${count} images need ${count * size} values, got ${batch.length}.`);
    const parts: Float32Array[] = [];
    await forEachChunk(count, imageStep, async (start, end) => {
      const feeds = {
        [imageInput.name]: makeTensor(
          imageInput.dtype,
          batch.subarray(start * size, end * size),
          batchDims(config.preprocess, end - start),
          imageInput.name,
        ),
      };
      const result = await image.run(feeds);
      const tensor = result[imageOutput.name];
      if (!tensor) throw new MiaError('model.bad-output', `${image.file} returned no output named ${imageOutput.name}.`);
      parts.push(takeEmbeddings(tensorToFloat32(tensor, imageOutput.name), end - start, image.file, imageOutput.name));
      calls.images += end - start;
    });
    return l2NormalizeRows(concat(parts), dim as number);
  }

  async function embedTexts(texts: readonly string[]): Promise<Float32Array> {
    const encoded = tokenizer.encodeBatch(texts, maxLength as number);
    const parts: Float32Array[] = [];
    await forEachChunk(texts.length, textStep, async (start, end) => {
      const span = [start * encoded.length, end * encoded.length] as const;
      const dims = [end - start, encoded.length];
      const feeds = { [idsInput.name]: makeTensor(idsInput.dtype, encoded.ids.subarray(...span), dims, idsInput.name) };
      if (maskInput) feeds[maskInput.name] = makeTensor(maskInput.dtype, encoded.attentionMask.subarray(...span), dims, maskInput.name);
      const result = await text.run(feeds);
      const tensor = result[textOutput.name];
      if (!tensor) throw new MiaError('model.bad-output', `${text.file} returned no output named ${textOutput.name}.`);
      parts.push(takeEmbeddings(tensorToFloat32(tensor, textOutput.name), end - start, text.file, textOutput.name));
      calls.texts += end - start;
    });
    return l2NormalizeRows(concat(parts), dim as number);
  }

  return {
    kind: 'clip',
    config,
    imageFile: image.file,
    textFile: text.file,
    maxLength,
    tokenizer,
    modelCalls: calls,
    embedImages,
    embedImagePixels: (images) => embedImages(preprocessBatch(images, config.preprocess).data, images.length),
    embedTexts,
    dimension: () => dim,
    cosineSimilarity: (images, texts) => {
      if (dim === null) throw new MiaError('model.bad-input', 'Embed images or texts before comparing them.');
      return cosineSimilarity(images, texts, dim);
    },
    async release() {
      await image.release();
      await text.release();
    },
  };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
