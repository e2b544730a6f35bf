// Diffusion models as the attacks see them: records in, denoiser samples out (pixels in [-1, 1], or VAE latents),
// and ε_θ for a batch run in chunks, with every ε evaluation counted into the run's progress under one phase so
// the rate is denoiser calls per second and the ETA covers the whole run.
import type { DiffusionTarget } from '../attacks/diffusion/diffusion-target';
import { sizeOfShape } from '../attacks/diffusion/diffusion-target';
import type { RunRecord } from '../attacks/run-record';
import { MiaError } from '../../common/errors';
import type { DenoiserAdapter } from '../models/denoiser-adapter';
import { imageSize } from '../models/preprocess-spec';
import type { LatentCodec } from '../models/vae-codec';
import type { CallProgress } from './call-progress';
import type { RecordImages } from './record-images';

/**
 * Samples per ε chunk: progress and cancellation are checked this often, and it bounds the activations ONNX Runtime
 * holds at once. A ReDiffuse batch of 200 records × 10 copies thus reports progress every 64 calls, not once.
 */
export const epsilonChunk = 64;
/** Images per VAE encoder/decoder call (their activations are large at full resolution). */
const codecChunk = 16;
export const diffusionPhase = 'denoiser calls';

async function inChunks(
  data: Float32Array,
  count: number,
  inSize: number,
  outSize: number,
  chunk: number,
  run: (part: Float32Array, n: number) => Promise<Float32Array>,
): Promise<Float32Array> {
  const out = new Float32Array(count * outSize);
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    out.set(await run(data.subarray(start * inSize, (start + n) * inSize), n), start * outSize);
  }
  return out;
}

export function diffusionTarget(
  name: string,
  adapter: DenoiserAdapter,
  codec: LatentCodec | null,
  images: RecordImages,
  progress: CallProgress,
  signal: AbortSignal,
): DiffusionTarget {
  const config = adapter.config;
  const sampleSize = adapter.sampleSize;
  const pixelShape = codec ? codec.pixelShape : config.sampleShape;
  const pixelSize = sizeOfShape(pixelShape);
  if (imageSize(config.preprocess) !== pixelSize) {
    throw new MiaError(
      'model.incompatible',
      `Model "${name}": its preprocessing gives ${config.preprocess.channels}×${config.preprocess.height}×${config.preprocess.width} images, but the ${codec ? 'VAE encoder' : 'denoiser'} takes ${pixelShape.channels}×${pixelShape.height}×${pixelShape.width}.`,
    );
  }
  let calls = 0;

  const pixels = (records: readonly RunRecord[]) => images.tensors(records, config.preprocess);

  return {
    name,
    schedule: adapter.schedule,
    sampleShape: config.sampleShape,
    sampleSize,
    get modelCalls() {
      return calls;
    },
    latent: codec
      ? {
          pixelShape: codec.pixelShape,
          decode: (latents, count) => inChunks(latents, count, sampleSize, pixelSize, codecChunk, (part, n) => codec.decode(part, n)),
        }
      : null,
    pixels,
    async samples(records) {
      const values = await pixels(records);
      if (!codec) return values;
      signal.throwIfAborted();
      return inChunks(values, records.length, pixelSize, sampleSize, codecChunk, (part, n) => codec.encode(part, n));
    },
    async predictEpsilon(x, t) {
      const count = x.length / sampleSize;
      const timesteps = typeof t === 'number' ? null : t;
      if (timesteps && timesteps.length !== count)
        throw new MiaError('model.bad-input', `${count} samples but ${timesteps.length} timesteps.`);
      const out = new Float32Array(x.length);
      for (let start = 0; start < count; start += epsilonChunk) {
        signal.throwIfAborted();
        const end = Math.min(count, start + epsilonChunk);
        const part = await adapter.predictEpsilon(
          x.subarray(start * sampleSize, end * sampleSize),
          timesteps ? timesteps.slice(start, end) : (t as number),
        );
        out.set(part, start * sampleSize);
        calls += end - start;
        progress.add(end - start, diffusionPhase);
      }
      return out;
    },
  };
}
