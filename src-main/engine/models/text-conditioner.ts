// The text side of a text-conditional diffusion pipeline: prompts → the pipeline's tokenizer → its text encoder →
// encoder hidden states [N, L, D], the input the UNet's cross-attention reads.
import { MiaError } from '../../common/errors';
import { pickTensor } from './model-compat';
import { fixedDim, formatTensorInfo, openOnnxModel, type OnnxModel, type SessionOptions } from './onnx-session';
import { makeTensor, tensorToFloat32 } from './tensor-data';
import type { TextTokenizer } from './text-tokenizer';

export interface TextConditioner {
  /** Tokens per prompt (L). */
  readonly length: number;
  /** Values of one prompt's hidden states (L·D). */
  readonly valuesPerPrompt: number;
  /** last_hidden_state of each prompt, concatenated in order. */
  encode(prompts: readonly string[]): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function openTextConditioner(
  file: string,
  tokenizer: TextTokenizer,
  length: number,
  options: SessionOptions = {},
): Promise<TextConditioner> {
  const model = await openOnnxModel(file, options);
  try {
    return createTextConditioner(model, tokenizer, length);
  } catch (error) {
    await model.release();
    throw error;
  }
}

/** The conditioner over an opened text encoder (an ONNX file or a served model); releasing it releases the model. */
export function createTextConditioner(model: OnnxModel, tokenizer: TextTokenizer, length: number): TextConditioner {
  const file = model.file;
  const ids = model.inputs.find((t) => t.name === 'input_ids') ?? pickTensor(model.inputs, undefined, 'input', file);
  const hidden = model.outputs.find((t) => t.name === 'last_hidden_state') ?? model.outputs.find((t) => t.shape.length === 3);
  const width = fixedDim(hidden?.shape[2]);
  if (!hidden || width === null) {
    throw new MiaError(
      'model.incompatible',
      `${file}: a text encoder returns last_hidden_state [N, L, D] with a fixed D; its outputs are ${model.outputs.map(formatTensorInfo).join(', ')}.`,
      { file },
    );
  }
  return {
    length,
    valuesPerPrompt: length * width,
    async encode(prompts) {
      const encoded = tokenizer.encodeBatch(prompts, length);
      const result = await model.run({ [ids.name]: makeTensor(ids.dtype, encoded.ids, [prompts.length, length], ids.name) });
      const tensor = result[hidden.name];
      if (!tensor) throw new MiaError('model.bad-output', `${file} returned no output named ${hidden.name}.`);
      const values = tensorToFloat32(tensor, hidden.name);
      if (values.length !== prompts.length * length * width) {
        throw new MiaError(
          'model.incompatible',
          `${file}: ${hidden.name} has shape [${tensor.dims.join(', ')}]; expected [${prompts.length}, ${length}, ${width}].`,
        );
      }
      return values;
    },
    release: () => model.release(),
  };
}
