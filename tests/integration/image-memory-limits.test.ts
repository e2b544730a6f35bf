// Hostile image files must be refused quickly and cheaply, both on import and when a run loads a record's pixels:
// a deflate bomb behind a 28 × 28 header (a 1 MB file that used to inflate to a gigabyte), a sparse 1 GiB file listed
// in four rows (used to be read whole, four times), a FIFO named .png (used to hang) and a PNG with a broken chunk
// CRC (used to be accepted). Each call runs in a child process, which reports its own peak RSS.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'rolldown';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeImage } from '../fixtures/datasets/build-fixtures';
import { deflateBombPng, makeFifo, withBrokenCrc, writeSparseImage } from '../fixtures/bad/hostile-images';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-image-memory-');
const data = path.join(dir, 'data');
const probe = path.join(dir, 'image-memory-probe.cjs');
const peakRssLimitMib = 300;
/** Generous: each refusal takes well under a second here; only a hang or a gigabyte read comes near this. */
const quickSeconds = 10;
let hasFifo = false;

interface ProbeResult {
  readonly code: string | null;
  readonly seconds: number;
  readonly peakRssMib: number;
}

beforeAll(async () => {
  await build({
    input: path.join(repoRoot, 'tests', 'fixtures', 'bad', 'image-memory-probe.ts'),
    platform: 'node',
    external: ['better-sqlite3', 'sharp', 'onnxruntime-node'],
    output: { file: probe, format: 'cjs' },
    logLevel: 'silent',
  });
  const good = path.join(data, 'good.png');
  await writeImage(good, 'png', 28, 28, 1, 1);
  // About 1 MB of file whose image data inflates to 1 GiB of zeros.
  fs.writeFileSync(path.join(data, 'bomb.png'), deflateBombPng(1024));
  writeSparseImage(path.join(data, 'sparse.png'), fs.readFileSync(good), 2 ** 30);
  fs.writeFileSync(path.join(data, 'bad-crc.png'), withBrokenCrc(fs.readFileSync(good)));
  hasFifo = makeFifo(path.join(data, 'fifo.png'));
}, 60_000);

function runProbe(...args: string[]): ProbeResult {
  const child = spawnSync(process.execPath, [probe, ...args], {
    encoding: 'utf8',
    // The bundle leaves the native modules outside; the child finds them in the repository's node_modules.
    env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') },
    timeout: 60_000,
  });
  expect(child.status, `the probe ended with ${child.signal ?? child.status}: ${child.stderr}`).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as ProbeResult;
}

function importManifest(name: string, rows: readonly string[]): ProbeResult {
  const manifest = path.join(data, `${name}.csv`);
  fs.writeFileSync(manifest, `id,path\n${rows.map((file, i) => `${name}-${i},${file}`).join('\n')}\n`);
  return runProbe('import', manifest, path.join(dir, `${name}.sqlite`));
}

function loadAsRun(file: string): ProbeResult {
  // The hash recorded at import, as if the file had been imported before these checks existed.
  const sha256 =
    fs.statSync(file).isFile() && fs.statSync(file).size < 2 ** 24
      ? createHash('sha256').update(fs.readFileSync(file)).digest('hex')
      : '0'.repeat(64);
  return runProbe('load', file, sha256);
}

function expectRefusedCheaply(result: ProbeResult, code: string): void {
  expect(result.code).toBe(code);
  expect(result.seconds).toBeLessThan(quickSeconds);
  expect(result.peakRssMib).toBeLessThan(peakRssLimitMib);
}

describe('hostile image files, each in a child process that reports its peak RSS', () => {
  it('refuses a deflate bomb behind a 28 × 28 header, on import and at run time', () => {
    expect(fs.statSync(path.join(data, 'bomb.png')).size).toBeLessThan(1.2e6);
    expectRefusedCheaply(importManifest('bomb', ['bomb.png']), 'dataset.image-excess-data');
    expectRefusedCheaply(loadAsRun(path.join(data, 'bomb.png')), 'dataset.image-excess-data');
  });

  it('refuses a sparse 1 GiB file listed in four rows from its size, without reading it', () => {
    expectRefusedCheaply(importManifest('sparse', ['sparse.png', 'sparse.png', 'sparse.png', 'sparse.png']), 'dataset.file-too-large');
    expectRefusedCheaply(loadAsRun(path.join(data, 'sparse.png')), 'dataset.file-too-large');
  });

  it('refuses a FIFO named .png instead of waiting for a writer', () => {
    if (!hasFifo) return; // No FIFOs on Windows.
    expectRefusedCheaply(importManifest('fifo', ['fifo.png']), 'dataset.not-a-file');
    expectRefusedCheaply(loadAsRun(path.join(data, 'fifo.png')), 'dataset.not-a-file');
  });

  it('refuses a PNG whose chunk CRC is wrong', () => {
    expectRefusedCheaply(importManifest('crc', ['bad-crc.png']), 'dataset.image-undecodable');
    expectRefusedCheaply(loadAsRun(path.join(data, 'bad-crc.png')), 'dataset.image-undecodable');
  });

  it('still imports and loads the good image the hostile ones were made from (the probe works)', () => {
    expect(importManifest('good', ['good.png']).code).toBeNull();
    expect(loadAsRun(path.join(data, 'good.png')).code).toBeNull();
  });
});
