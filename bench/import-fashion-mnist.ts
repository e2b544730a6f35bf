// Benchmark: imports the 60,000 Fashion-MNIST training images (Debian's dataset-fashion-mnist package) into a
// temporary workspace and prints images per second and the process's peak resident memory.
//
// Run (Node 20 cannot run TypeScript itself, so rolldown, already a dev dependency through vite, bundles it):
//   npx rolldown bench/import-fashion-mnist.ts -p node -f esm -e better-sqlite3 -e sharp -o out/bench/import-fashion-mnist.mjs \
//     && node out/bench/import-fashion-mnist.mjs [images-idx3-ubyte(.gz) labels-idx1-ubyte(.gz)]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importDataset } from '../src-main/services/dataset-import';
import { openWorkspace } from '../src-main/workspace/open-workspace';

const defaultFolder = '/usr/share/datasets/fashion-mnist';

async function main(): Promise<void> {
  const images = process.argv[2] ?? path.join(defaultFolder, 'train-images-idx3-ubyte.gz');
  const labels = process.argv[3] ?? path.join(defaultFolder, 'train-labels-idx1-ubyte.gz');
  if (!fs.existsSync(images) || !fs.existsSync(labels)) {
    console.log(`Skipped: ${images} or ${labels} is missing (apt-get install dataset-fashion-mnist, or pass the two files).`);
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-bench-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const db = openWorkspace(path.join(dir, 'workspace.sqlite'));
  try {
    const started = process.hrtime.bigint();
    const result = await importDataset(db, {
      kind: 'idx',
      path: images,
      labelsPath: labels,
      onProgress: (p) => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (p.done % 10_000 === 0) process.stdout.write(`  ${p.done}/${p.total}\n`);
      },
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const count = result.dataset.recordCount;
    const workspaceBytes = fs.statSync(path.join(dir, 'workspace.sqlite')).size + walSize(dir);
    console.log(`Imported ${count} images in ${seconds.toFixed(1)} s: ${(count / seconds).toFixed(0)} images/s`);
    console.log(
      `Peak RSS ${(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 2 ** 20).toFixed(0)} MiB; workspace ${(workspaceBytes / 2 ** 20).toFixed(1)} MiB`,
    );
  } finally {
    clearInterval(sampler);
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function walSize(dir: string): number {
  const wal = path.join(dir, 'workspace.sqlite-wal');
  return fs.existsSync(wal) ? fs.statSync(wal).size : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
