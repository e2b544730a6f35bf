// Reference models per hour: the same plan (the demo classifier, N reference models, E epochs) trained by the local
// backend (one child process, MIA_TRAINING_THREADS torch threads, the models one after another) and by the Slurm
// backend on a one-node cluster started here (tools/slurm/start-cluster.sh; one CPU per array task, as many tasks at
// once as the node has CPUs). Wall time runs from training.start to the imported set, preprocessing and import
// included. Run as the Slurm tests do (Debian's slurm-wlm and munge installed), after `npm run build`:
//   npx rolldown bench/slurm-training.ts -p node -f esm -e better-sqlite3 -e sharp -e onnxruntime-node -o out/bench/slurm-training.mjs \
//     && node out/bench/slurm-training.mjs [models=8] [epochs=5]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TrainingJobSummary } from '../src-shared/contract/contract';
import { forkHostSpawner } from '../src-main/host/fork-host';
import { createBackend } from '../src-main/services/backend';
import { loadAverage } from './lib/measure';
import { kitFolder, repoRoot } from './lib/paths';

const python = process.env.MIA_BENCH_PYTHON ?? '/usr/bin/python3';

async function dispatch<T>(backend: ReturnType<typeof createBackend>, channel: string, request?: unknown): Promise<T> {
  const result = await backend.router.dispatch(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

/** Trains the plan with one backend in a fresh workspace; returns the wall seconds and the per-model seconds. */
async function trainOnce(dir: string, backendName: 'local' | 'slurm', models: number, epochs: number) {
  const backend = createBackend({
    workspaceFile: path.join(dir, `${backendName}.sqlite`),
    spawnHost: forkHostSpawner(path.join(repoRoot, 'out', 'main', 'engine-host.js')),
    trainingScript: path.join(repoRoot, 'resources', 'training', 'train_classifier.py'),
    python,
  });
  try {
    const kit = kitFolder('classifier');
    const { dataset } = await dispatch<{ dataset: { id: number } }>(backend, 'datasets.import', {
      kind: 'manifest-csv',
      path: path.join(kit, 'manifest.csv'),
    });
    const target = await dispatch<{ id: number }>(backend, 'models.import', {
      kind: 'classifier',
      modelPath: path.join(kit, 'target.onnx'),
    });
    const started = Date.now();
    const job = await backend.training.start(
      {
        purpose: 'reference',
        datasetId: dataset.id,
        targetModelId: target.id,
        count: models,
        seed: 1,
        recipe: { epochs },
        backend: backendName,
        slurm: { python, pollSeconds: 1, cpusPerTask: 1, preamble: '', extraArgs: [] },
      },
      path.join(dir, `${backendName}-models`),
    );
    await backend.idle();
    const seconds = (Date.now() - started) / 1000;
    const done = backend.training.list().find((candidate) => candidate.id === job.id) as TrainingJobSummary;
    if (done.status !== 'finished') throw new Error(`${backendName} training ended ${done.status}: ${done.error?.message ?? ''}`);
    return { seconds, perModel: done.results.map((r) => r.seconds) };
  } finally {
    backend.close();
  }
}

async function main(): Promise<void> {
  const models = Number(process.argv[2] ?? 8);
  const epochs = Number(process.argv[3] ?? 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-bench-slurm-'));
  const state = path.join(dir, 'cluster');
  const conf = /SLURM_CONF=(\S+)/.exec(
    execFileSync('bash', [path.join(repoRoot, 'tools', 'slurm', 'start-cluster.sh'), state, '16817', '16818'], { encoding: 'utf8' }),
  )?.[1];
  if (!conf) throw new Error('The one-node cluster did not start.');
  process.env.SLURM_CONF = conf;
  try {
    console.log(
      `${models} reference models of the demo classifier, ${epochs} epochs, ${os.availableParallelism()} CPUs, load ${loadAverage()}`,
    );
    for (const name of ['local', 'slurm'] as const) {
      const { seconds, perModel } = await trainOnce(dir, name, models, epochs);
      const mean = perModel.reduce((a, b) => a + b, 0) / perModel.length;
      console.log(
        `${name.padEnd(5)}: ${seconds.toFixed(1)} s wall, ${((models * 3600) / seconds).toFixed(0)} models/hour, ${mean.toFixed(1)} s training per model (recipe's own timing)`,
      );
    }
  } finally {
    execFileSync('bash', [path.join(repoRoot, 'tools', 'slurm', 'stop-cluster.sh'), state]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
