// The bench workloads run through the engine: the same adapters, family targets (chunking, progress, caching)
// and record-image cache a run uses, wired as the family runtimes wire them, with the knobs the bench tunes
// (threads, batch size, graph optimisation) exposed. Each returns its timing and the outputs of the first few
// records for the parity check against PyTorch.
import type { z } from 'zod';
import type { AttackModule } from '../../src-main/engine/attacks/attack-module';
import { liraAttack } from '../../src-main/engine/attacks/classifier/lira-attack';
import { aeaAttack } from '../../src-main/engine/attacks/clip/aea-attack';
import { csaAttack } from '../../src-main/engine/attacks/clip/csa-attack';
import { rediffuseAttack } from '../../src-main/engine/attacks/diffusion/rediffuse-attack';
import type { RunRecord } from '../../src-main/engine/attacks/run-record';
import { createCallProgress } from '../../src-main/engine/jobs/call-progress';
import { classifierTarget } from '../../src-main/engine/jobs/classifier-targets';
import { clipTarget } from '../../src-main/engine/jobs/clip-targets';
import { diffusionTarget } from '../../src-main/engine/jobs/diffusion-targets';
import { fileOf } from '../../src-main/engine/jobs/family-runtime';
import { createRecordImages } from '../../src-main/engine/jobs/record-images';
import { openClassifier } from '../../src-main/engine/models/classifier-adapter';
import { openClip } from '../../src-main/engine/models/clip-adapter';
import { openDenoiser } from '../../src-main/engine/models/denoiser-adapter';
import { ClassifierConfig, ClipConfig, DiffusionConfig } from '../../src-main/engine/models/model-config';
import type { SessionOptions } from '../../src-main/engine/models/onnx-session';
import { loadPipelineTokenizer } from '../../src-main/engine/models/pipeline-folder';
import { openTextConditioner } from '../../src-main/engine/models/text-conditioner';
import { loadTextTokenizer } from '../../src-main/engine/models/text-tokenizer';
import { openVaeCodec } from '../../src-main/engine/models/vae-codec';
import { startStageProfile, stopStageProfile, timeStageAsync, type StageSeconds } from '../../src-main/engine/profiling/stage-timer';
import { SeededRandom } from '../../src-main/engine/random/seeded-random';
import { classifierSpecs, clipSpec, demoRecords, diffusionSpec, latentPipelineSpec } from './demo-kit';
import { timedSeconds } from './measure';

export interface EngineKnobs extends SessionOptions {
  /** Images per session.run (the adapters' maxBatch; the diffusion target's ε chunk is 64 whatever this says). */
  readonly maxBatch?: number;
  readonly repeats: number;
  /** First N records of the workload; 0 means all. */
  readonly records: number;
  /** Records whose outputs come back for the parity check. */
  readonly verify: number;
  /** Views (AEA) or repeats n (ReDiffuse). */
  readonly views: number;
  /** Split each repeat's time into stages (src-main/engine/profiling/stage-timer.ts). */
  readonly profile: boolean;
}

export interface WorkloadResult {
  readonly records: number;
  readonly calls: number;
  readonly seconds: number[];
  readonly verify: Record<string, number[]>;
  /** Per repeat, when profiled: seconds per stage. */
  readonly profiles: StageSeconds[];
}

const signal = new AbortController().signal;
const quiet = { signal, progress: () => undefined, log: () => undefined };

/** Runs an attack with its parameters parsed from `raw` by its own schema, as the attack job does. */
function runAttack<S extends z.ZodType, T, M>(
  attack: AttackModule<S, T, M>,
  raw: unknown,
  target: T,
  models: M,
  records: readonly RunRecord[],
) {
  // Whatever the attack does outside decoding, preprocessing and model runs is its scoring.
  return timeStageAsync('scoring', () =>
    attack.run({
      ...quiet,
      params: attack.params.parse(raw),
      random: new SeededRandom(1).fork('attack'),
      target,
      records,
      dataset: records,
      models,
    }),
  );
}

/** One timed repeat, profiled when asked; `profiles` receives its stage split. */
async function timedRepeat<T>(
  knobs: EngineKnobs,
  profiles: StageSeconds[],
  work: () => Promise<T>,
): Promise<{ seconds: number; value: T }> {
  if (knobs.profile) startStageProfile();
  try {
    return await timedSeconds(work);
  } finally {
    if (knobs.profile) profiles.push(stopStageProfile());
  }
}

const limitOf = (knobs: EngineKnobs) => (knobs.records > 0 ? knobs.records : Infinity);

/** LiRA online's inference: the target and the 16 reference models on the 1,200 audit + calibration records. */
export async function classifierWorkload(knobs: EngineKnobs): Promise<WorkloadResult> {
  const specs = await classifierSpecs();
  const records = demoRecords('classifier', ['audit', 'calibration'], limitOf(knobs));
  const open = (spec: typeof specs.target) => openClassifier(fileOf(spec, 'model'), ClassifierConfig.parse(spec.config), knobs);
  const target = await open(specs.target);
  const references = await Promise.all(
    specs.references.map(async (spec) => ({ adapter: await open(spec), trainedOn: new Set(spec.trainedOn ?? []) })),
  );
  const seconds: number[] = [];
  const profiles: StageSeconds[] = [];
  let calls = 0;
  try {
    for (let r = 0; r < knobs.repeats; r++) {
      // A fresh image cache and fresh targets per repeat, as a new run gets.
      const images = createRecordImages();
      const progress = createCallProgress(records.length * 17, () => undefined);
      const wrap = (name: string, adapter: typeof target) => classifierTarget(name, adapter, images, progress, signal);
      const models = {
        references: references.map((m, i) => ({ model: wrap(`ref ${i}`, m.adapter), trainedOn: m.trainedOn })),
        shadows: [],
      };
      const { seconds: s, value } = await timedRepeat(knobs, profiles, () =>
        runAttack(liraAttack, {}, wrap('target', target), models, records),
      );
      seconds.push(s);
      calls = value.modelCalls;
    }
    const first = records.slice(0, knobs.verify);
    const prediction = await target.predict(await createRecordImages().tensors(first, target.config.preprocess), first.length);
    return {
      records: records.length,
      calls,
      seconds,
      profiles,
      verify: { classifier: Array.from(prediction.logits ?? prediction.probabilities) },
    };
  } finally {
    await target.release();
    await Promise.all(references.map((m) => m.adapter.release()));
  }
}

/** CSA, then AEA with K views, each as its own run (own caches) on the 1,000 audit records. */
export async function clipWorkload(knobs: EngineKnobs): Promise<WorkloadResult> {
  const spec = await clipSpec();
  const config = ClipConfig.parse(spec.config);
  const tokenizer = loadTextTokenizer(fileOf(spec, 'tokenizer'), spec.files.tokenizer_config?.path ?? null, config.padTokenId);
  const adapter = await openClip({ image: fileOf(spec, 'image'), text: fileOf(spec, 'text') }, config, tokenizer, knobs);
  const records = demoRecords('clip', ['audit'], limitOf(knobs));
  const seconds: number[] = [];
  const profiles: StageSeconds[] = [];
  let calls = 0;
  try {
    for (let r = 0; r < knobs.repeats; r++) {
      const fresh = () =>
        clipTarget(
          'demo clip',
          adapter,
          createRecordImages(),
          createCallProgress(1, () => undefined),
          signal,
        );
      const { seconds: s, value } = await timedRepeat(knobs, profiles, async () => {
        const csa = await runAttack(csaAttack, {}, fresh(), {}, records);
        const aea = await runAttack(aeaAttack, { views: knobs.views }, fresh(), {}, records);
        return csa.modelCalls + aea.modelCalls;
      });
      seconds.push(s);
      calls = value;
    }
    const first = records.slice(0, knobs.verify);
    const image = await adapter.embedImages(await createRecordImages().tensors(first, config.preprocess), first.length);
    const text = await adapter.embedTexts(first.map((r) => r.caption ?? ''));
    return {
      records: records.length,
      calls,
      seconds,
      profiles,
      verify: { 'clip-image': Array.from(image), 'clip-text': Array.from(text) },
    };
  } finally {
    await adapter.release();
  }
}

/** ReDiffuse (n = views, t 200, stride 100) on the audit records. */
export async function diffusionWorkload(knobs: EngineKnobs): Promise<WorkloadResult> {
  const spec = await diffusionSpec();
  const config = DiffusionConfig.parse(spec.config);
  const adapter = await openDenoiser(fileOf(spec, 'denoiser'), config, knobs);
  const records = demoRecords('diffusion', ['audit'], limitOf(knobs));
  const seconds: number[] = [];
  const profiles: StageSeconds[] = [];
  let calls = 0;
  try {
    for (let r = 0; r < knobs.repeats; r++) {
      const target = diffusionTarget(
        'demo unet',
        adapter,
        null,
        createRecordImages(),
        createCallProgress(1, () => undefined),
        signal,
      );
      const { seconds: s, value } = await timedRepeat(knobs, profiles, () =>
        runAttack(rediffuseAttack, { repeats: knobs.views }, target, {}, records),
      );
      seconds.push(s);
      calls = value.modelCalls;
    }
    const first = records.slice(0, knobs.verify);
    const x = await createRecordImages().tensors(first, config.preprocess);
    return { records: records.length, calls, seconds, profiles, verify: { unet: Array.from(await adapter.predictEpsilon(x, 200)) } };
  } finally {
    await adapter.release();
  }
}

/**
 * ReDiffuse (n = views, t 200, stride 100, the defaults prompt = caption and compare = pixels) on the text-conditional
 * latent pipeline: the UNet, both VAE halves and the text encoder, opened as the diffusion runtime opens them.
 */
export async function latentDiffusionWorkload(knobs: EngineKnobs): Promise<WorkloadResult> {
  const spec = await latentPipelineSpec();
  const config = DiffusionConfig.parse(spec.config);
  const files = Object.fromEntries(Object.entries(spec.files).map(([role, file]) => [role, file.path]));
  if (config.conditioning?.kind !== 'text' || !config.pixelShape)
    throw new Error('The latent-diffusion demo is expected to be a text-conditional latent pipeline.');
  const length = config.conditioning.maxLength;
  const adapter = await openDenoiser(fileOf(spec, 'denoiser'), config, knobs);
  const codec = await openVaeCodec(
    { encoder: fileOf(spec, 'vae_encoder'), decoder: fileOf(spec, 'vae_decoder') },
    { pixel: config.pixelShape, latent: config.sampleShape },
    config.vaeScalingFactor ?? 1,
    knobs,
  );
  const text = await openTextConditioner(fileOf(spec, 'text_encoder'), loadPipelineTokenizer(files, length), length, knobs);
  const records = demoRecords('latent-diffusion', ['audit'], limitOf(knobs));
  const seconds: number[] = [];
  const profiles: StageSeconds[] = [];
  let calls = 0;
  try {
    for (let r = 0; r < knobs.repeats; r++) {
      const target = diffusionTarget(
        'demo latent pipeline',
        adapter,
        codec,
        createRecordImages(),
        createCallProgress(1, () => undefined),
        signal,
        text,
      );
      const { seconds: s, value } = await timedRepeat(knobs, profiles, () =>
        runAttack(rediffuseAttack, { repeats: knobs.views }, target, {}, records),
      );
      seconds.push(s);
      calls = value.modelCalls;
    }
    const first = records.slice(0, knobs.verify);
    const latents = await codec.encode(await createRecordImages().tensors(first, config.preprocess), first.length);
    const hiddenStates = await text.encode(first.map((record) => record.caption ?? ''));
    const epsilon = await adapter.predictEpsilon(latents, 200, { hiddenStates, emptyPrompt: null, guidanceScale: 1 });
    const decoded = await codec.decode(latents, first.length);
    return {
      records: records.length,
      calls,
      seconds,
      profiles,
      verify: { 'latent-unet': Array.from(epsilon), 'vae-decoder': Array.from(decoded) },
    };
  } finally {
    await Promise.all([adapter.release(), codec.release(), text.release()]);
  }
}

export const engineWorkloads = {
  classifier: classifierWorkload,
  clip: clipWorkload,
  diffusion: diffusionWorkload,
  'latent-diffusion': latentDiffusionWorkload,
};
export type WorkloadName = keyof typeof engineWorkloads;
