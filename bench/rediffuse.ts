// Benchmark: ReDiffuse (default parameters: n = 10, t = 200, stride 100 → 20 ε evaluations per record) on the demo
// UNet, through the same attack module and diffusion target a run uses. Prints records/s and model calls/s.
//
// Run (Node 20 cannot run TypeScript itself, so rolldown, already a dev dependency through vite, bundles it):
//   npx rolldown bench/rediffuse.ts -p node -f esm -e better-sqlite3 -e sharp -e onnxruntime-node -o out/bench/rediffuse.mjs \
//     && node out/bench/rediffuse.mjs [records=64] [threads=1] [repeats=10]
// MIA_DEMO_DIR points it at another copy of the demo kit (default resources/demo).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rediffuseAttack } from '../src-main/engine/attacks/diffusion/rediffuse-attack';
import type { RunRecord } from '../src-main/engine/attacks/run-record';
import { createCallProgress } from '../src-main/engine/jobs/call-progress';
import { diffusionTarget } from '../src-main/engine/jobs/diffusion-targets';
import { createRecordImages } from '../src-main/engine/jobs/record-images';
import { buildDiffusionConfig } from '../src-main/engine/models/config-from-sidecar';
import { openDenoiser } from '../src-main/engine/models/denoiser-adapter';
import { openOnnxModel } from '../src-main/engine/models/onnx-session';
import { ModelSidecar } from '../src-main/engine/models/sidecar';
import { SeededRandom } from '../src-main/engine/random/seeded-random';
import { plainTarget, totalModelCalls } from '../src-shared/domain/model-calls';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const kit = path.join(
  process.env.MIA_DEMO_DIR ? path.resolve(process.env.MIA_DEMO_DIR) : path.join(repoRoot, 'resources', 'demo'),
  'diffusion',
);

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8'));

function demoRecords(count: number): RunRecord[] {
  const folder = path.join(kit, 'images');
  const files = fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.png'))
    .sort()
    .slice(0, count);
  return files.map((name, i) => {
    const file = path.join(folder, name);
    const sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    return { id: i + 1, key: name, path: file, sourceIndex: null, sha256, label: null, caption: null, member: null, role: 'audit' };
  });
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 64);
  const threads = Number(process.argv[3] ?? 1);
  const repeats = Number(process.argv[4] ?? 10);
  const unet = path.join(kit, 'unet.onnx');
  if (!fs.existsSync(path.join(kit, 'DONE')) || !fs.existsSync(unet)) {
    console.log(`Skipped: the diffusion demo kit is not in ${kit} (no DONE file or unet.onnx).`);
    return;
  }
  const probe = await openOnnxModel(unet);
  const config = buildDiffusionConfig(
    ModelSidecar.parse(readJson(path.join(kit, 'unet.json'))),
    readJson(path.join(kit, 'scheduler.json')),
    {},
    probe.inputs,
    'unet.onnx',
  );
  await probe.release();
  const adapter = await openDenoiser(unet, config, { intraOpNumThreads: threads });
  const records = demoRecords(count);
  const params = rediffuseAttack.params.parse({ repeats });
  const estimate = rediffuseAttack.estimateModelCalls(params, { audited: records.length, references: 0, shadows: 0, target: plainTarget });
  const progress = createCallProgress(totalModelCalls(estimate), () => undefined);
  const signal = new AbortController().signal;
  const target = diffusionTarget('demo unet', adapter, null, createRecordImages(), progress, signal);
  try {
    const started = process.hrtime.bigint();
    const result = await rediffuseAttack.run({
      signal,
      progress: () => undefined,
      log: () => undefined,
      params,
      random: new SeededRandom(1).fork('attack'),
      target,
      records,
      dataset: records,
      models: {},
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(
      `ReDiffuse n = ${repeats}, t = 200, stride 100 on ${records.length} records, ${threads} thread(s): ${seconds.toFixed(1)} s`,
    );
    console.log(
      `  ${(records.length / seconds).toFixed(2)} records/s, ${(result.modelCalls / seconds).toFixed(0)} model calls/s (${result.modelCalls} calls, ${adapter.sessionRuns} session runs)`,
    );
  } finally {
    await adapter.release();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
