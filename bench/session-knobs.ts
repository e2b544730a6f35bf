// Picks the session knobs by measurement: model calls/s of each demo model's adapter on tensors decoded once
// (no I/O), for batch sizes, thread counts and ONNX Runtime graph optimisation levels, one knob varied at a time
// from the defaults (1 thread, batch 128, 'all'). Configurations are interleaved across rounds so a change in the
// machine's load hits all of them alike; prints median and min–max over the rounds. Run:
//   npx rolldown bench/session-knobs.ts -p node -f esm -e better-sqlite3 -e sharp -e onnxruntime-node -o out/bench/session-knobs.mjs \
//     && node out/bench/session-knobs.mjs [rounds=5] [seconds-per-measurement=0.4]
import { fileOf } from '../src-main/engine/jobs/family-runtime';
import { createRecordImages } from '../src-main/engine/jobs/record-images';
import { openClassifier } from '../src-main/engine/models/classifier-adapter';
import { openClip } from '../src-main/engine/models/clip-adapter';
import { openDenoiser } from '../src-main/engine/models/denoiser-adapter';
import { ClassifierConfig, ClipConfig, DiffusionConfig } from '../src-main/engine/models/model-config';
import { loadTextTokenizer } from '../src-main/engine/models/text-tokenizer';
import { classifierSpecs, clipSpec, demoRecords, diffusionSpec } from './lib/demo-kit';
import { loadAverage, spreadOf } from './lib/measure';

type Level = 'disabled' | 'basic' | 'extended' | 'all';
interface Knobs {
  threads: number;
  batch: number;
  opt: Level;
}
interface Runner {
  /** Runs `count` inputs through the model in chunks of the configured batch. */
  run(count: number): Promise<void>;
  release(): Promise<void>;
}

const inputs = 512;

async function openRunner(model: string, knobs: Knobs): Promise<Runner> {
  const options = { intraOpNumThreads: knobs.threads, maxBatch: knobs.batch, graphOptimizationLevel: knobs.opt };
  if (model === 'classifier') {
    const spec = (await classifierSpecs()).target;
    const config = ClassifierConfig.parse(spec.config);
    const adapter = await openClassifier(fileOf(spec, 'model'), config, options);
    const x = await createRecordImages().tensors(demoRecords('classifier', ['audit']).slice(0, inputs), config.preprocess);
    return { run: async (n) => void (await adapter.predict(x.subarray(0, n * 784), n)), release: () => adapter.release() };
  }
  if (model === 'clip-image') {
    const spec = await clipSpec();
    const config = ClipConfig.parse(spec.config);
    const adapter = await openClip(
      { image: fileOf(spec, 'image'), text: fileOf(spec, 'text') },
      config,
      loadTextTokenizer(fileOf(spec, 'tokenizer')),
      options,
    );
    const x = await createRecordImages().tensors(demoRecords('clip', ['audit']).slice(0, inputs), config.preprocess);
    return { run: async (n) => void (await adapter.embedImages(x.subarray(0, n * 784), n)), release: () => adapter.release() };
  }
  const spec = await diffusionSpec();
  const config = DiffusionConfig.parse(spec.config);
  const adapter = await openDenoiser(fileOf(spec, 'denoiser'), config, options);
  const x = await createRecordImages().tensors(demoRecords('diffusion', ['audit']).slice(0, inputs), config.preprocess);
  return { run: async (n) => void (await adapter.predictEpsilon(x.subarray(0, n * 256), 200)), release: () => adapter.release() };
}

async function callsPerSecond(runner: Runner, seconds: number): Promise<number> {
  await runner.run(inputs); // warm-up: first-run allocations
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await runner.run(inputs);
    calls += inputs;
  }
  return calls / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const seconds = Number(process.argv[3] ?? 0.4);
  const base: Knobs = { threads: 1, batch: 128, opt: 'all' };
  const variants: Knobs[] = [
    base,
    ...[16, 32, 64, 256, 512].map((batch) => ({ ...base, batch })),
    ...(['disabled', 'basic', 'extended'] as Level[]).map((opt) => ({ ...base, opt })),
    { ...base, threads: 2 },
    { ...base, threads: 2, batch: 512 },
  ];
  console.log(`Session knobs, ${rounds} rounds × ${seconds} s per configuration, ${inputs} inputs per pass; load before ${loadAverage()}`);
  for (const model of ['classifier', 'clip-image', 'unet']) {
    const runners = await Promise.all(variants.map((knobs) => openRunner(model, knobs)));
    const rates: number[][] = variants.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, runner] of runners.entries()) rates[i]!.push(await callsPerSecond(runner, seconds));
    }
    await Promise.all(runners.map((r) => r.release()));
    for (const [i, knobs] of variants.entries()) {
      const s = spreadOf(rates[i]!);
      console.log(
        `${model.padEnd(10)} threads ${knobs.threads} batch ${String(knobs.batch).padStart(3)} opt ${knobs.opt.padEnd(8)}: ${s.median.toFixed(0).padStart(6)} calls/s (${s.min.toFixed(0)}–${s.max.toFixed(0)})`,
      );
    }
  }
  console.log(`Load after ${loadAverage()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
