// Latent diffusion hooks: a VAE encoder turns pixels in [-1, 1] into latents before the denoiser, a decoder turns
// latents back into pixels afterwards. Latents are multiplied by the scaling factor on the way in (as diffusers does).
import { MiaError } from '../../common/errors';
import { pickTensor } from './model-compat';
import { openOnnxModel, type OnnxModel, type SessionOptions, type TensorInfo } from './onnx-session';
import { makeTensor, tensorToFloat32 } from './tensor-data';

export interface SampleShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export interface LatentCodec {
  readonly pixelShape: SampleShape;
  readonly latentShape: SampleShape;
  readonly scalingFactor: number;
  /** Pixels [N, C, H, W] in [-1, 1] → scaled latents [N, c, h, w]. */
  encode(pixels: Float32Array, count: number): Promise<Float32Array>;
  /** Scaled latents → pixels in [-1, 1]. */
  decode(latents: Float32Array, count: number): Promise<Float32Array>;
  release(): Promise<void>;
}

const sizeOf = (shape: SampleShape) => shape.channels * shape.height * shape.width;

async function runSingle(
  model: OnnxModel,
  input: TensorInfo,
  output: TensorInfo,
  data: Float32Array,
  dims: number[],
): Promise<Float32Array> {
  const result = await model.run({ [input.name]: makeTensor(input.dtype, data, dims, input.name) });
  const tensor = result[output.name];
  if (!tensor) throw new MiaError('model.bad-output', `${model.file} returned no output named ${output.name}.`);
  return tensorToFloat32(tensor, output.name);
}

/**
 * An encoder that returns the latent distribution's moments (mean and log-variance stacked on the channel axis,
 * 2·c channels) is read deterministically: its mean half.
 */
function takeMean(values: Float32Array, count: number, latent: SampleShape): Float32Array {
  const size = sizeOf(latent);
  if (values.length === count * size) return values;
  if (values.length !== count * size * 2) {
    throw new MiaError(
      'model.incompatible',
      `The VAE encoder gave ${values.length / count} values per image; expected ${size} (or ${size * 2} with log-variance).`,
    );
  }
  const out = new Float32Array(count * size);
  for (let i = 0; i < count; i += 1) out.set(values.subarray(i * size * 2, i * size * 2 + size), i * size);
  return out;
}

export async function openVaeCodec(
  files: { encoder: string; decoder: string },
  shapes: { pixel: SampleShape; latent: SampleShape },
  scalingFactor: number,
  options: SessionOptions = {},
): Promise<LatentCodec> {
  const encoder = await openOnnxModel(files.encoder, options);
  let decoder: OnnxModel | null = null;
  try {
    decoder = await openOnnxModel(files.decoder, options);
    return createVaeCodec({ encoder, decoder }, shapes, scalingFactor);
  } catch (error) {
    await encoder.release();
    await decoder?.release();
    throw error;
  }
}

/** The codec over an opened encoder and decoder (ONNX files or served models); releasing it releases both. */
export function createVaeCodec(
  models: { encoder: OnnxModel; decoder: OnnxModel },
  shapes: { pixel: SampleShape; latent: SampleShape },
  scalingFactor: number,
): LatentCodec {
  const { encoder } = models;
  const dec = models.decoder;
  const encoderInput = pickTensor(encoder.inputs, undefined, 'input', encoder.file);
  const encoderOutput = encoder.outputs[0] as TensorInfo;
  const decoderInput = pickTensor(dec.inputs, undefined, 'input', dec.file);
  const decoderOutput = dec.outputs[0] as TensorInfo;
  const pixelSize = sizeOf(shapes.pixel);
  const latentSize = sizeOf(shapes.latent);
  return {
    pixelShape: shapes.pixel,
    latentShape: shapes.latent,
    scalingFactor,
    async encode(pixels, count) {
      if (pixels.length !== count * pixelSize)
        throw new MiaError('model.bad-input', `${encoder.file}: ${count} images need ${count * pixelSize} values.`);
      const raw = await runSingle(encoder, encoderInput, encoderOutput, pixels, [
        count,
        shapes.pixel.channels,
        shapes.pixel.height,
        shapes.pixel.width,
      ]);
      return takeMean(raw, count, shapes.latent).map((v) => v * scalingFactor);
    },
    async decode(latents, count) {
      if (latents.length !== count * latentSize)
        throw new MiaError('model.bad-input', `${dec.file}: ${count} latents need ${count * latentSize} values.`);
      const unscaled = latents.map((v) => v / scalingFactor);
      const out = await runSingle(dec, decoderInput, decoderOutput, unscaled, [
        count,
        shapes.latent.channels,
        shapes.latent.height,
        shapes.latent.width,
      ]);
      if (out.length !== count * pixelSize)
        throw new MiaError('model.incompatible', `${dec.file} gave ${out.length / count} values per image; expected ${pixelSize}.`);
      return out;
    },
    async release() {
      await encoder.release();
      await dec.release();
    },
  };
}
