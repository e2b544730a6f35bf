// Memory stays flat with dataset size: imports the 60,000 Fashion-MNIST training images (Debian's
// dataset-fashion-mnist package, IDX importer) into a temporary workspace, then, in a fresh child process, scores
// every record through the demo classifier (the target's outputs for all records, as the loss attack asks for them,
// plus K reference models when asked, which makes the record-image cache matter) and prints the child's peak RSS.
// It fails (exit 1) when the peak RSS reaches 1 GiB.
//
//   npx rolldown bench/memory-60k.ts -p node -f esm -e better-sqlite3 -e sharp -e onnxruntime-node -o out/bench/memory-60k.mjs \
//     && node out/bench/memory-60k.mjs [--references K] [--budget-mib M] [--threads N] [images-idx3-ubyte.gz labels-idx1-ubyte.gz]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCallProgress } from '../src-main/engine/jobs/call-progress';
import { classifierTarget } from '../src-main/engine/jobs/classifier-targets';
import { fileOf } from '../src-main/engine/jobs/family-runtime';
import { createRecordImages } from '../src-main/engine/jobs/record-images';
import { openClassifier } from '../src-main/engine/models/classifier-adapter';
import { ClassifierConfig } from '../src-main/engine/models/model-config';
import { importDataset } from '../src-main/services/dataset-import';
import { openWorkspace } from '../src-main/workspace/open-workspace';
import { listRecordsForAttack } from '../src-main/workspace/records-repo';
import { classifierSpecs, hasKit } from './lib/demo-kit';
import { loadAverage, mib, samplePeakRss, timedSeconds } from './lib/measure';

const defaultFolder = '/usr/share/datasets/fashion-mnist';
const limitMib = 1024;

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function score(workspace: string, datasetId: number, argv: readonly string[]): Promise<void> {
  const rss = samplePeakRss();
  const references = Number(flag(argv, 'references') ?? 0);
  const budget = flag(argv, 'budget-mib');
  const threads = Number(flag(argv, 'threads') ?? 1);
  const db = openWorkspace(workspace);
  const records = listRecordsForAttack(db, datasetId).map((r) => ({ ...r, caption: null }));
  db.close();
  const afterRecords = mib(rss.peak());
  const specs = await classifierSpecs();
  const models = [specs.target, ...specs.references.slice(0, references)];
  const adapters = await Promise.all(
    models.map((s) => openClassifier(fileOf(s, 'model'), ClassifierConfig.parse(s.config), { intraOpNumThreads: threads })),
  );
  const images = budget === undefined ? createRecordImages() : createRecordImages(Number(budget) * 2 ** 20);
  const progress = createCallProgress(records.length * models.length, () => undefined);
  const signal = new AbortController().signal;
  const { seconds } = await timedSeconds(async () => {
    for (const [i, adapter] of adapters.entries()) await classifierTarget(`model ${i}`, adapter, images, progress, signal).outputs(records);
  });
  await Promise.all(adapters.map((a) => a.release()));
  rss.stop();
  console.log(
    JSON.stringify({
      records: records.length,
      models: models.length,
      seconds,
      calls: progress.calls,
      peakRssMib: mib(rss.peak()),
      afterRecordsMib: afterRecords,
    }),
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const scoreAt = argv.indexOf('--score');
  if (scoreAt >= 0) return score(argv[scoreAt + 1]!, Number(argv[scoreAt + 2]), argv);
  const files = argv.filter((a, i) => !a.startsWith('--') && !(argv[i - 1] ?? '').startsWith('--'));
  const images = files[0] ?? path.join(defaultFolder, 'train-images-idx3-ubyte.gz');
  const labels = files[1] ?? path.join(defaultFolder, 'train-labels-idx1-ubyte.gz');
  if (!fs.existsSync(images) || !fs.existsSync(labels) || !hasKit('classifier')) {
    console.log(
      `Skipped: ${images} or ${labels} is missing (apt-get install dataset-fashion-mnist), or the classifier demo kit is not built.`,
    );
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-bench-60k-'));
  try {
    const workspace = path.join(dir, 'workspace.sqlite');
    const db = openWorkspace(workspace);
    const { seconds, value } = await timedSeconds(() => importDataset(db, { kind: 'idx', path: images, labelsPath: labels }));
    db.close();
    console.log(
      `Imported ${value.dataset.recordCount} records in ${seconds.toFixed(1)} s. Scoring in a fresh process (load ${loadAverage()}) …`,
    );
    const self = fileURLToPath(import.meta.url);
    const out = execFileSync(process.execPath, [self, '--score', workspace, String(value.dataset.id), ...argv], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const result = JSON.parse(out.trim().split('\n').pop()!) as {
      records: number;
      models: number;
      seconds: number;
      calls: number;
      peakRssMib: number;
      afterRecordsMib: number;
    };
    console.log(
      `Scored ${result.records} records through ${result.models} classifier model(s) (${result.calls} calls) in ${result.seconds.toFixed(1)} s: ${(result.calls / result.seconds).toFixed(0)} calls/s; ` +
        `peak RSS ${result.peakRssMib.toFixed(0)} MiB (${result.afterRecordsMib.toFixed(0)} MiB after reading the records); load ${loadAverage()}`,
    );
    if (result.peakRssMib >= limitMib) {
      console.error(`Peak RSS ${result.peakRssMib.toFixed(0)} MiB is not under ${limitMib} MiB.`);
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
