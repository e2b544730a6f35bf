// A combined CLIP export (Optimum's: ONE model.onnx taking input_ids, attention_mask and pixel_values, returning
// image_embeds and text_embeds) seen as the image encoder and the text encoder the CLIP adapter expects. ONNX Runtime
// cannot split a graph and nothing may need Python at run time, so each view feeds the other tower a one-row dummy:
// a BOS/EOS caption when embedding images, a zero image when embedding captions. The towers do not mix before the
// logits, so the dummy changes nothing in the embeddings taken.
import { MiaError } from '../../common/errors';
import { createClip, type ClipAdapter, type ClipOptions } from './clip-adapter';
import type { ClipConfig } from './model-config';
import { fixedDim, formatTensorInfo, openOnnxModel, type OnnxModel, type TensorInfo } from './onnx-session';
import { batchDims, imageSize } from './preprocess-spec';
import { makeTensor } from './tensor-data';
import type { TextTokenizer } from './text-tokenizer';

/** Optimum's names, used when the configuration names none. */
const optimumNames = {
  imageInput: 'pixel_values',
  imageOutput: 'image_embeds',
  textIds: 'input_ids',
  textMask: 'attention_mask',
  textOutput: 'text_embeds',
} as const;

/** The I/O names a combined model is read with: the configuration's, else Optimum's. */
export function combinedClipIo(io: ClipConfig['io']): Required<ClipConfig['io']> {
  return { ...optimumNames, ...Object.fromEntries(Object.entries(io).filter(([, name]) => name !== undefined)) };
}

function tensorNamed(list: readonly TensorInfo[], name: string, what: string, file: string): TensorInfo {
  const found = list.find((t) => t.name === name);
  if (found) return found;
  throw new MiaError(
    'model.incompatible',
    `${file}: a combined CLIP model needs the ${what} "${name}", but its ${what}s are ${list.map(formatTensorInfo).join(', ') || 'none'}.`,
    { file },
  );
}

/** The two encoder views of `model`; releasing either releases the model (its release is idempotent). */
export function combinedClipViews(
  model: OnnxModel,
  config: ClipConfig,
  tokenizer: TextTokenizer,
): { image: OnnxModel; text: OnnxModel; io: ClipConfig['io'] } {
  const io = combinedClipIo(config.io);
  const pixels = tensorNamed(model.inputs, io.imageInput, 'input', model.file);
  const ids = tensorNamed(model.inputs, io.textIds, 'input', model.file);
  const mask = model.inputs.find((t) => t.name === io.textMask) ?? null;
  const others = model.inputs.filter((t) => t !== pixels && t !== ids && t !== mask);
  if (others.length > 0) {
    throw new MiaError(
      'model.incompatible',
      `${model.file}: combined CLIP inputs ${others.map(formatTensorInfo).join(', ')} are not understood; it should take ${io.imageInput}, ${io.textIds} and ${io.textMask}.`,
      { file: model.file },
    );
  }
  const imageOutput = tensorNamed(model.outputs, io.imageOutput, 'output', model.file);
  const textOutput = tensorNamed(model.outputs, io.textOutput, 'output', model.file);
  const length = config.maxLength ?? fixedDim(ids.shape[1]);
  if (length === null) {
    throw new MiaError(
      'model.incompatible',
      `${model.file}: the token sequence length is not fixed in the model; tokenizer_config.json's model_max_length or max_length in the configuration must give it.`,
      { file: model.file },
    );
  }

  // Built once: the empty caption is the tokenizer's BOS/EOS pair, the zero image a valid (if blank) input.
  const dummyText = tokenizer.encodeBatch([''], length);
  const textFeeds = () => {
    const feeds = { [ids.name]: makeTensor(ids.dtype, dummyText.ids, [1, length], ids.name) };
    if (mask) feeds[mask.name] = makeTensor(mask.dtype, dummyText.attentionMask, [1, length], mask.name);
    return feeds;
  };
  const imageFeeds = () => ({
    [pixels.name]: makeTensor(pixels.dtype, new Float32Array(imageSize(config.preprocess)), batchDims(config.preprocess, 1), pixels.name),
  });

  const image: OnnxModel = {
    ...model,
    inputs: [pixels],
    outputs: [imageOutput],
    run: (feeds) => model.run({ ...textFeeds(), ...feeds }),
    release: () => model.release(),
  };
  const text: OnnxModel = {
    ...model,
    inputs: mask ? [ids, mask] : [ids],
    outputs: [textOutput],
    run: (feeds) => model.run({ ...imageFeeds(), ...feeds }),
    release: () => model.release(),
  };
  // A model without a mask input is read without one, rather than refused for a name it never had.
  return { image, text, io: mask ? io : { ...io, textMask: undefined } };
}

/** The CLIP adapter over a combined model; both of its files are the one ONNX file. */
export function createCombinedClip(model: OnnxModel, config: ClipConfig, tokenizer: TextTokenizer, options: ClipOptions = {}): ClipAdapter {
  const { image, text, io } = combinedClipViews(model, config, tokenizer);
  return createClip(image, text, { ...config, io }, tokenizer, options);
}

export async function openCombinedClip(
  file: string,
  config: ClipConfig,
  tokenizer: TextTokenizer,
  options: ClipOptions = {},
): Promise<ClipAdapter> {
  const model = await openOnnxModel(file, options);
  try {
    return createCombinedClip(model, config, tokenizer, options);
  } catch (error) {
    await model.release();
    throw error;
  }
}
