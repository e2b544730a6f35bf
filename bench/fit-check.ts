// Times what New run asks on a target and dataset pick, 10 times each through the backend's router: models.check
// (which also re-hashes the model's files) against models.fit (the data fit from stored facts only), on the demo
// kit's classifier target and its dataset. Run (after `npm run build`, which builds the engine host):
//   npx rolldown bench/fit-check.ts -p node -f esm -e better-sqlite3 -e sharp -e onnxruntime-node -o out/bench/fit-check.mjs \
//     && node out/bench/fit-check.mjs [calls=10]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { forkHostSpawner } from '../src-main/host/fork-host';
import { createBackend, type Backend } from '../src-main/services/backend';
import { loadAverage } from './lib/measure';
import { kitFolder } from './lib/paths';

async function dispatch<T>(backend: Backend, channel: string, request: unknown): Promise<T> {
  const answer = await backend.router.dispatch(channel, request);
  if (!answer.ok) throw new Error(`${channel}: ${answer.error.code}: ${answer.error.message}`);
  return answer.data as T;
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 10);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-bench-fit-'));
  const backend = createBackend({
    workspaceFile: path.join(dir, 'workspace.sqlite'),
    spawnHost: forkHostSpawner(path.resolve('out/main/engine-host.js')),
    // Named, so the backend does not look for it beside a bundle that has no __dirname; nothing here trains.
    trainingScript: path.resolve('resources/training/train_classifier.py'),
  });
  try {
    const kit = kitFolder('classifier');
    const { dataset } = await dispatch<{ dataset: { id: number } }>(backend, 'datasets.import', {
      kind: 'manifest-csv',
      path: path.join(kit, 'manifest.csv'),
    });
    const model = await dispatch<{ id: number }>(backend, 'models.import', {
      kind: 'classifier',
      modelPath: path.join(kit, 'target.onnx'),
    });
    const request = { modelId: model.id, datasetId: dataset.id };
    console.log(`${calls} calls each, demo classifier target on its ${path.basename(kit)} dataset; load average ${loadAverage()}`);
    for (const channel of ['models.check', 'models.fit']) {
      await dispatch(backend, channel, request); // warm the prepared statements and the file cache
      const started = performance.now();
      for (let i = 0; i < calls; i++) await dispatch(backend, channel, request);
      const ms = performance.now() - started;
      console.log(`${channel.padEnd(13)} ${ms.toFixed(1).padStart(8)} ms total, ${(ms / calls).toFixed(2).padStart(7)} ms per call`);
    }
  } finally {
    await backend.idle();
    backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
