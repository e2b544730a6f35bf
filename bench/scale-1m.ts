// A million records in flat memory: synthesises ONE uncompressed IDX image file and its IDX label file (Fashion-MNIST
// images from Debian's dataset-fashion-mnist, tiled, each made unique by its index and seeded noise; seeded
// patterns when the package is missing), imports them through the real importer in one child process, then scores
// them with the real `loss` run (backend, engine host, metrics, validity checks, scores and metrics written to
// SQLite) in another. Prints each step's throughput and peak RSS (the service process and the engine host), the
// share of the run spent storing scores and metrics, and the workspace size. Exits 1 when any peak RSS reaches
// 1 GiB (1,024 MiB).
//
// Membership is assigned by the bench, not known: the first half of the records are marked members and every
// tenth record is a calibration record, so the loss attack has both classes. The demo target was not trained on
// them, so the AUC is about 0.5; the run measures scale, not leakage.
//
//   npm run bench:build && node out/bench/scale-1m.mjs [--records N] [--keep]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunSummary } from '../src-shared/domain/runs';
import { readIdxFileWhole } from '../src-main/engine/data/idx';
import { importDataset } from '../src-main/services/dataset-import';
import { createBackend } from '../src-main/services/backend';
import { forkHostSpawner } from '../src-main/host/fork-host';
import { openWorkspace } from '../src-main/workspace/open-workspace';
import { kitFolder, repoRoot } from './lib/paths';
import { loadAverage, mib, samplePeakRss, timedSeconds } from './lib/measure';

const fashionFolder = '/usr/share/datasets/fashion-mnist';
const limitMib = 1024;
const side = 28;
const itemBytes = side * side;

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** mulberry32: a small seeded generator, so the synthetic file is the same bytes on every machine. */
function seededBytes(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) & 0xff;
  };
}

/** Fashion-MNIST's training images and labels when installed, or null (then the bench draws patterns). */
function fashionSource(): { images: Buffer; labels: Buffer; count: number } | null {
  const imagesFile = path.join(fashionFolder, 'train-images-idx3-ubyte.gz');
  const labelsFile = path.join(fashionFolder, 'train-labels-idx1-ubyte.gz');
  if (!fs.existsSync(imagesFile) || !fs.existsSync(labelsFile)) return null;
  const images = readIdxFileWhole(imagesFile, 'Fashion-MNIST images').subarray(16);
  const labels = readIdxFileWhole(labelsFile, 'Fashion-MNIST labels').subarray(8);
  return { images, labels, count: labels.length };
}

function idxHeader(dims: readonly number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return header;
}

/** Writes the pair in blocks of 10,000 records, so the bench itself never holds the 784 MB file. */
function writeSyntheticIdx(dir: string, records: number): { images: string; labels: string; source: string } {
  const fashion = fashionSource();
  const next = seededBytes(23);
  const images = path.join(dir, 'scale-images-idx3-ubyte');
  const labels = path.join(dir, 'scale-labels-idx1-ubyte');
  const imageOut = fs.openSync(images, 'w');
  const labelOut = fs.openSync(labels, 'w');
  try {
    fs.writeSync(imageOut, idxHeader([records, side, side]));
    fs.writeSync(labelOut, idxHeader([records]));
    const block = 10_000;
    for (let start = 0; start < records; start += block) {
      const n = Math.min(block, records - start);
      const pixels = Buffer.alloc(n * itemBytes);
      const classes = Buffer.alloc(n);
      for (let j = 0; j < n; j++) {
        const index = start + j;
        const item = pixels.subarray(j * itemBytes, (j + 1) * itemBytes);
        if (fashion) {
          const from = index % fashion.count;
          fashion.images.copy(item, 0, from * itemBytes, (from + 1) * itemBytes);
          classes[j] = fashion.labels[from]!;
        } else {
          for (let p = 0; p < itemBytes; p++) item[p] = ((p % side) * 9 + Math.floor(p / side) * (index % 7)) & 0xff;
          classes[j] = index % 10;
        }
        // The index in the first three pixels makes every record's bytes (and so its SHA-256) unique.
        item[0] = index & 0xff;
        item[1] = (index >>> 8) & 0xff;
        item[2] = (index >>> 16) & 0xff;
        for (let k = 0; k < 16; k++) {
          const at = 3 + (((next() << 8) | next()) % (itemBytes - 3));
          item[at] = (item[at]! + (next() & 0x1f)) & 0xff;
        }
      }
      fs.writeSync(imageOut, pixels);
      fs.writeSync(labelOut, classes);
    }
  } finally {
    fs.closeSync(imageOut);
    fs.closeSync(labelOut);
  }
  return { images, labels, source: fashion ? 'Fashion-MNIST training images, tiled, with seeded noise' : 'seeded patterns' };
}

interface ImportFigures {
  readonly datasetId: number;
  readonly records: number;
  readonly seconds: number;
  readonly peakRssMib: number;
}

/** Child: the real importer, then the bench's membership and roles (one UPDATE; not counted in the import time). */
async function importStep(workspace: string, images: string, labels: string): Promise<ImportFigures> {
  const rss = samplePeakRss();
  const db = openWorkspace(workspace);
  const { seconds, value } = await timedSeconds(() => importDataset(db, { kind: 'idx', path: images, labelsPath: labels }));
  const records = value.dataset.recordCount;
  db.prepare(
    "UPDATE records SET member = CASE WHEN source_index < ? THEN 1 ELSE 0 END, role = CASE WHEN source_index % 10 = 9 THEN 'calibration' ELSE 'audit' END WHERE dataset_id = ?",
  ).run(Math.floor(records / 2), value.dataset.id);
  db.close();
  rss.stop();
  return { datasetId: value.dataset.id, records, seconds, peakRssMib: mib(rss.peak()) };
}

interface ScoreFigures {
  readonly status: string;
  readonly error: string | null;
  readonly seconds: number;
  readonly storeSeconds: number;
  readonly timings: Record<string, number>;
  readonly scoreRows: number;
  readonly auc: number | null;
  readonly servicePeakRssMib: number;
  readonly enginePeakRssMib: number | null;
}

/** Peak RSS of another process (Linux's VmHWM), read while it is still alive. */
function peakRssOfPid(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Child: the run as `mia audit` makes it, through the backend's router and the engine host. */
async function scoreStep(workspace: string, datasetId: number): Promise<ScoreFigures> {
  const rss = samplePeakRss();
  // The backend finds its resources from __dirname, as it does when built into out/main (CommonJS); this bundle is
  // an ES module, which has none, so it is given the folder the backend is built into.
  (globalThis as { __dirname?: string }).__dirname = path.join(repoRoot, 'out', 'main');
  const backend = createBackend({
    workspaceFile: workspace,
    spawnHost: forkHostSpawner(path.join(repoRoot, 'out', 'main', 'engine-host.js')),
  });
  try {
    const dispatch = async <T>(channel: string, request: unknown): Promise<T> => {
      const answer = await backend.router.dispatch(channel, request);
      if (!answer.ok) throw new Error(`${channel}: ${answer.error.code}: ${answer.error.message}`);
      return answer.data as T;
    };
    const target = await dispatch<{ id: number }>('models.import', {
      kind: 'classifier',
      modelPath: path.join(kitFolder('classifier'), 'target.onnx'),
      // A kept workspace (--keep) scored again already holds it.
      allowDuplicate: true,
    });
    // The store is timed from the moment the engine's result is handed to the service to the run's status event,
    // which executeRun emits right after the transaction that writes scores, notes, metrics and checks.
    let resultAt = 0;
    let storedAt = 0;
    const engine = backend.engine;
    const run = engine.run.bind(engine);
    engine.run = (task, handlers) => {
      const started = run(task, handlers);
      return { jobId: started.jobId, done: started.done.finally(() => (resultAt = performance.now())) };
    };
    backend.bus.subscribe((event) => {
      if (event === 'runs.status') storedAt = performance.now();
    });
    const { seconds, value: runId } = await timedSeconds(async () => {
      const { id } = await dispatch<RunSummary>('runs.start', { attack: 'loss', targetModelId: target.id, datasetId, seed: 1 });
      await backend.idle();
      return id;
    });
    const enginePeak = peakRssOfPid(engine.hostPid());
    const run1 = backend.db.prepare('SELECT status, error, timings FROM runs WHERE id = ?').get(runId) as {
      status: string;
      error: string | null;
      timings: string | null;
    };
    const scoreRows = (backend.db.prepare('SELECT COUNT(*) AS n FROM scores WHERE run_id = ?').get(runId) as { n: number }).n;
    const auc = backend.db.prepare("SELECT value FROM metrics WHERE run_id = ? AND name = 'auc' AND slice = ''").get(runId) as
      { value: number } | undefined;
    rss.stop();
    return {
      status: run1.status,
      error: run1.error,
      seconds,
      storeSeconds: resultAt > 0 && storedAt > resultAt ? (storedAt - resultAt) / 1000 : 0,
      timings: run1.timings ? (JSON.parse(run1.timings) as Record<string, number>) : {},
      scoreRows,
      auc: auc?.value ?? null,
      servicePeakRssMib: mib(rss.peak()),
      enginePeakRssMib: enginePeak,
    };
  } finally {
    backend.close();
  }
}

function sizeOnDisk(workspace: string): number {
  return ['', '-wal', '-shm'].reduce(
    (sum, suffix) => sum + (fs.existsSync(workspace + suffix) ? fs.statSync(workspace + suffix).size : 0),
    0,
  );
}

function inChild<T>(args: readonly string[]): T {
  const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 2 ** 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const child = argv[0];
  if (child === '--import-step') return console.log(JSON.stringify(await importStep(argv[1]!, argv[2]!, argv[3]!)));
  if (child === '--score-step') return console.log(JSON.stringify(await scoreStep(argv[1]!, Number(argv[2]))));

  const records = Number(flag(argv, 'records') ?? 1_000_000);
  if (!Number.isInteger(records) || records < 20 || records > 16_777_216) {
    throw new Error(`--records must be a whole number from 20 to 16,777,216; got ${flag(argv, 'records')}.`);
  }
  if (!fs.existsSync(path.join(kitFolder('classifier'), 'target.onnx'))) {
    console.log('Skipped: the classifier demo kit is not built (resources/demo/classifier/target.onnx).');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-bench-scale-'));
  try {
    const synthesis = await timedSeconds(async () => writeSyntheticIdx(dir, records));
    const files = synthesis.value;
    console.log(
      `Wrote ${records.toLocaleString('en')} records (${files.source}) as one IDX pair of ${mib(fs.statSync(files.images).size).toFixed(0)} MiB in ${synthesis.seconds.toFixed(1)} s.`,
    );
    const workspace = path.join(dir, 'workspace.sqlite');
    const loadBefore = loadAverage();
    const imported = inChild<ImportFigures>(['--import-step', workspace, files.images, files.labels]);
    const importedSize = sizeOnDisk(workspace);
    console.log(
      `Import: ${(imported.records / imported.seconds).toFixed(0)} records/s (${imported.records} in ${imported.seconds.toFixed(1)} s), peak RSS ${imported.peakRssMib.toFixed(0)} MiB; workspace ${mib(importedSize).toFixed(0)} MiB; load ${loadBefore} → ${loadAverage()}`,
    );
    const scored = inChild<ScoreFigures>(['--score-step', workspace, String(imported.datasetId)]);
    if (scored.status !== 'finished') throw new Error(`The loss run ended ${scored.status}: ${scored.error ?? ''}`);
    const engineMs = scored.timings;
    console.log(
      `Scoring (loss, demo classifier): ${(scored.scoreRows / scored.seconds).toFixed(0)} records/s (${scored.scoreRows} scores in ${scored.seconds.toFixed(1)} s; ` +
        `engine: attack ${((engineMs.attackMs ?? 0) / 1000).toFixed(1)} s, metrics ${((engineMs.metricsMs ?? 0) / 1000).toFixed(1)} s, checks ${((engineMs.checksMs ?? 0) / 1000).toFixed(1)} s), AUC ${scored.auc?.toFixed(3) ?? '—'} (≈ 0.5 expected: membership is assigned, not real)`,
    );
    console.log(
      `Storing scores, metrics and checks in SQLite: ${scored.storeSeconds.toFixed(2)} s, ${((100 * scored.storeSeconds) / scored.seconds).toFixed(1)} % of the run`,
    );
    console.log(
      `Peak RSS while scoring: service ${scored.servicePeakRssMib.toFixed(0)} MiB, engine host ${scored.enginePeakRssMib?.toFixed(0) ?? 'unknown'} MiB; workspace ${mib(sizeOnDisk(workspace)).toFixed(0)} MiB; load ${loadAverage()}`,
    );
    const peaks = [imported.peakRssMib, scored.servicePeakRssMib, scored.enginePeakRssMib ?? 0];
    if (Math.max(...peaks) >= limitMib) {
      console.error(`A peak RSS (${Math.max(...peaks).toFixed(0)} MiB) is not under ${limitMib} MiB (1 GiB).`);
      process.exitCode = 1;
    }
  } finally {
    if (argv.includes('--keep')) console.log(`Kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
