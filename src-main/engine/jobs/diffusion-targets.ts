// Diffusion models as the attacks see them: records in, denoiser samples out (pixels in [-1, 1], or VAE latents),
// and ε_θ for a batch run in chunks (class-conditional denoisers fed each record's label). Every call of every
// component (denoiser, VAE encoder and decoder, text encoder) is counted per component and into the run's progress
// under one phase, so the rate and the ETA cover the whole run and a finished run's count equals the estimate
// (diffusionModelCalls in diffusion-run.ts).
import type { ConditioningChoice, DiffusionTarget } from '../attacks/diffusion/diffusion-target';
import { sizeOfShape } from '../attacks/diffusion/diffusion-target';
import type { RunRecord } from '../attacks/run-record';
import { MiaError } from '../../common/errors';
import { totalModelCalls, type ModelCallBreakdown, type ModelComponent } from '../../../src-shared/domain/model-calls';
import type { EpsilonModel } from '../diffusion/ddim';
import type { DenoiserAdapter, EpsilonCondition } from '../models/denoiser-adapter';
import { imageSize } from '../models/preprocess-spec';
import type { TextConditioner } from '../models/text-conditioner';
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
/** One phase for every component: a phase change restarts the rate (host/progress-rate.ts). */
export const diffusionPhase = 'model calls';

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
  text: TextConditioner | null = null,
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
  const calls: ModelCallBreakdown = {};
  const addCalls = (component: ModelComponent, n: number) => {
    calls[component] = (calls[component] ?? 0) + n;
    progress.add(n, diffusionPhase);
  };
  /** The VAE in chunks of `codecChunk` images, one call counted per image. */
  const throughCodec =
    (component: 'vae_encoder' | 'vae_decoder', run: (part: Float32Array, n: number) => Promise<Float32Array>) =>
    async (part: Float32Array, n: number) => {
      const out = await run(part, n);
      addCalls(component, n);
      return out;
    };
  /** Prompts through the text encoder, one call counted per prompt. */
  const encodePrompts = async (textSide: TextConditioner, prompts: readonly string[]) => {
    const states = await textSide.encode(prompts);
    addCalls('text_encoder', prompts.length);
    return states;
  };

  const pixels = (records: readonly RunRecord[]) => images.tensors(records, config.preprocess);

  /** ε in chunks of `epsilonChunk` samples; `condition` gives the condition of samples [start, end). */
  async function predictInChunks(
    x: Float32Array,
    t: number | readonly number[],
    condition: ((start: number, end: number) => EpsilonCondition) | null,
  ): Promise<Float32Array> {
    const count = x.length / sampleSize;
    const timesteps = typeof t === 'number' ? null : t;
    if (timesteps && timesteps.length !== count)
      throw new MiaError('model.bad-input', `${count} samples but ${timesteps.length} timesteps.`);
    const out = new Float32Array(x.length);
    for (let start = 0; start < count; start += epsilonChunk) {
      signal.throwIfAborted();
      const end = Math.min(count, start + epsilonChunk);
      const before = adapter.modelCalls;
      const part = await adapter.predictEpsilon(
        x.subarray(start * sampleSize, end * sampleSize),
        timesteps ? timesteps.slice(start, end) : (t as number),
        condition?.(start, end),
      );
      out.set(part, start * sampleSize);
      // The adapter counts denoiser calls: one per sample, two with classifier-free guidance.
      addCalls('unet', adapter.modelCalls - before);
    }
    return out;
  }

  /** The prompt of each record for a text-conditional run, refusing a record without a caption when captions are asked for. */
  function promptsOf(records: readonly RunRecord[], choice: ConditioningChoice): string[] {
    if (choice.prompt === 'fixed' && choice.fixedPrompt.trim() === '') {
      throw new MiaError('run.invalid-params', 'prompt = "fixed" needs fixedPrompt, the prompt used for every record.', {
        parameter: 'fixedPrompt',
      });
    }
    return records.map((record) => {
      if (choice.prompt === 'empty') return '';
      if (choice.prompt === 'fixed') return choice.fixedPrompt;
      if (record.caption) return record.caption;
      throw new MiaError(
        'run.data-mismatch',
        `Record "${record.key}" has no caption; the text-conditional model "${name}" is scored with each record's caption (prompt = "caption"). Choose prompt "empty" or "fixed", or use a captioned dataset.`,
        { record: record.key },
      );
    });
  }

  let emptyPrompt: Float32Array | null = null;

  /** Text hidden states of the records' prompts (and, for guidance, of the empty prompt, encoded once per target). */
  async function textCondition(
    textSide: TextConditioner,
    records: readonly RunRecord[],
    choice: ConditioningChoice,
  ): Promise<{ states: Float32Array; empty: Float32Array | null }> {
    const states = await encodePrompts(textSide, promptsOf(records, choice));
    if (choice.guidanceScale !== 1 && !emptyPrompt) emptyPrompt = await encodePrompts(textSide, ['']);
    return { states, empty: choice.guidanceScale !== 1 ? emptyPrompt : null };
  }

  /** Each record's class label, refusing a record without one or outside the model's classes. */
  function labelsOf(records: readonly RunRecord[], numClasses: number): number[] {
    return records.map((record) => {
      if (record.label !== null && record.label >= 0 && record.label < numClasses) return record.label;
      throw new MiaError(
        'run.data-mismatch',
        `Record "${record.key}" has ${record.label === null ? 'no label' : `label ${record.label}`}; the class-conditional model "${name}" needs a class label from 0 to ${numClasses - 1} for every record.`,
        { record: record.key },
      );
    });
  }

  return {
    name,
    schedule: adapter.schedule,
    sampleShape: config.sampleShape,
    sampleSize,
    get modelCalls() {
      return totalModelCalls(calls);
    },
    get modelCallsByComponent() {
      return { ...calls };
    },
    latent: codec
      ? {
          pixelShape: codec.pixelShape,
          decode: (latents, n) =>
            inChunks(
              latents,
              n,
              sampleSize,
              pixelSize,
              codecChunk,
              throughCodec('vae_decoder', (part, k) => codec.decode(part, k)),
            ),
        }
      : null,
    pixels,
    async samples(records) {
      const values = await pixels(records);
      if (!codec) return values;
      signal.throwIfAborted();
      return inChunks(
        values,
        records.length,
        pixelSize,
        sampleSize,
        codecChunk,
        throughCodec('vae_encoder', (part, n) => codec.encode(part, n)),
      );
    },
    predictEpsilon: (x, t) => predictInChunks(x, t, null),
    async conditionedOn(records, choice): Promise<EpsilonModel> {
      const { guidanceScale } = choice;
      const conditioning = config.conditioning;
      if (!conditioning) {
        if (guidanceScale !== 1) {
          throw new MiaError(
            'run.invalid-params',
            `guidanceScale = ${guidanceScale}: model "${name}" is unconditional, so classifier-free guidance does not apply; leave it at 1.`,
            { parameter: 'guidanceScale' },
          );
        }
        return { schedule: adapter.schedule, predictEpsilon: (x, t) => predictInChunks(x, t, null) };
      }
      /** The attacks lay a batch out record-major, so sample i belongs to record ⌊i / copies⌋. */
      const recordOf = (count: number) => {
        const copies = count / records.length;
        if (!Number.isInteger(copies) || copies < 1)
          throw new MiaError('model.bad-input', `${count} samples are not whole copies of ${records.length} records.`);
        return (sample: number) => Math.floor(sample / copies);
      };
      if (conditioning.kind === 'class') {
        const labels = labelsOf(records, conditioning.numClasses);
        return {
          schedule: adapter.schedule,
          predictEpsilon(x, t) {
            const record = recordOf(x.length / sampleSize);
            return predictInChunks(x, t, (start, end) => ({
              classLabels: Array.from({ length: end - start }, (_, i) => labels[record(start + i)] as number),
              guidanceScale,
            }));
          },
        };
      }
      if (!text) throw new MiaError('model.incompatible', `Model "${name}" is text-conditional but was opened without its text encoder.`);
      const { states, empty } = await textCondition(text, records, choice);
      const rowSize = text.valuesPerPrompt;
      return {
        schedule: adapter.schedule,
        predictEpsilon(x, t) {
          const record = recordOf(x.length / sampleSize);
          return predictInChunks(x, t, (start, end) => {
            const hiddenStates = new Float32Array((end - start) * rowSize);
            for (let i = start; i < end; i += 1) {
              const r = record(i);
              hiddenStates.set(states.subarray(r * rowSize, (r + 1) * rowSize), (i - start) * rowSize);
            }
            return { hiddenStates, emptyPrompt: empty, guidanceScale };
          });
        },
      };
    },
  };
}
