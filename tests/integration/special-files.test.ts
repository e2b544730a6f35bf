// Nothing from the disk may hang `mia audit`: a FIFO given as an IDX file, an IDX label file, a CIFAR batch, its class
// names file, a target or null model, a sidecar, a tokenizer, a scheduler or a model-set manifest is refused with its
// code (`dataset.not-a-file`, `model.not-a-file`) instead of waiting for a writer that never comes, and a manifest or
// a sidecar too large to parse is refused from its size. Each audit runs the built CLI in a child process with a
// timeout, because a hang inside a synchronous read cannot be interrupted from the test's own process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxManifestBytes } from '../../src-main/engine/data/text-file';
import { maxModelJsonFileBytes } from '../../src-main/engine/models/model-json-file';
import { makeFifo } from '../fixtures/bad/hostile-images';
import { writeTinyKit, type TinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { demoDir } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-special-files-');
const miaJs = path.join(repoRoot, 'bin', 'mia.js');
/** Generous: each refusal takes a second or two here (most of it the CLI starting); a hang runs into the kill. */
const refusedWithinMs = 20_000;
const clipKit = path.join(demoDir, 'clip');
const diffusionKit = path.join(demoDir, 'diffusion');
const hasFifos = process.platform !== 'win32';
let kit: TinyKit;
let audits = 0;

/** A FIFO named `name` in the test folder; nothing ever writes to it, so reading it blocks forever. */
function fifo(name: string): string {
  const file = path.join(dir, 'fifos', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  makeFifo(file);
  return file;
}

/** An IDX file of four 8 × 8 grey images (type 0x08, three dimensions). */
function writeIdxImages(file: string): void {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(4, 4);
  header.writeUInt32BE(8, 8);
  header.writeUInt32BE(8, 12);
  fs.writeFileSync(file, Buffer.concat([header, Buffer.alloc(4 * 64, 7)]));
}

function auditConfig(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    dataset: { kind: 'manifest-csv', path: kit.manifest },
    target: { kind: 'classifier', model: kit.model },
    runs: [{ attack: 'loss', seed: 1 }],
    ...overrides,
  };
}

interface AuditOutcome {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly ms: number;
}

function audit(config: Record<string, unknown>): AuditOutcome {
  audits += 1;
  const configFile = path.join(dir, `audit-${audits}.json`);
  fs.writeFileSync(configFile, JSON.stringify(config));
  const started = Date.now();
  const child = spawnSync(
    process.execPath,
    [miaJs, 'audit', '--config', configFile, '--workspace', path.join(dir, `workspace-${audits}.sqlite`)],
    {
      encoding: 'utf8',
      env: { ...process.env, MIA_WORKSPACE: '' },
      timeout: refusedWithinMs,
      killSignal: 'SIGKILL',
    },
  );
  return { status: child.status, signal: child.signal, stderr: child.stderr, ms: Date.now() - started };
}

function expectRefused(outcome: AuditOutcome, code: string): void {
  expect(outcome.signal, `mia audit was killed after ${refusedWithinMs} ms (it hung); stderr: ${outcome.stderr}`).toBeNull();
  expect(outcome.stderr).toContain(`[${code}]`);
  expect(outcome.status).toBe(1);
  expect(outcome.ms).toBeLessThan(refusedWithinMs);
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, 'out', 'main', 'cli.js')))
    throw new Error('Run `npm run build` first: this test runs the built CLI.');
  kit = await writeTinyKit(path.join(dir, 'kit'), 12);
}, 60_000);

describe.runIf(hasFifos)('mia audit refuses special files instead of hanging', () => {
  it('still audits the tiny kit the refusals below start from (the harness works)', () => {
    const outcome = audit(auditConfig({}));
    expect(outcome.signal, outcome.stderr).toBeNull();
    expect(outcome.status, outcome.stderr).toBe(0);
  }, 60_000);

  it('refuses a FIFO given as an IDX image file', () => {
    expectRefused(audit(auditConfig({ dataset: { kind: 'idx', path: fifo('train-images-idx3-ubyte') } })), 'dataset.not-a-file');
  });

  it('refuses a FIFO given as an IDX label file', () => {
    const images = path.join(dir, 'idx', 'images-idx3-ubyte');
    fs.mkdirSync(path.dirname(images), { recursive: true });
    writeIdxImages(images);
    expectRefused(audit(auditConfig({ dataset: { kind: 'idx', path: images, labels: fifo('labels-idx1-ubyte') } })), 'dataset.not-a-file');
  });

  it('refuses a FIFO given as a CIFAR batch', () => {
    expectRefused(audit(auditConfig({ dataset: { kind: 'cifar', path: fifo('data_batch_1.bin') } })), 'dataset.not-a-file');
  });

  it('refuses a FIFO in place of the class names file beside a CIFAR batch', () => {
    const folder = path.join(dir, 'cifar');
    fs.mkdirSync(folder, { recursive: true });
    const batch = path.join(folder, 'data_batch_1.bin');
    fs.writeFileSync(batch, Buffer.alloc(2 * 3073)); // two CIFAR-10 records of label 0
    makeFifo(path.join(folder, 'batches.meta.txt'));
    expectRefused(audit(auditConfig({ dataset: { kind: 'cifar', path: batch } })), 'dataset.not-a-file');
  });

  it('refuses a manifest over the manifest byte limit from its size (a sparse file)', () => {
    const manifest = path.join(dir, 'huge-manifest.csv');
    fs.writeFileSync(manifest, 'id,path\n');
    fs.truncateSync(manifest, maxManifestBytes + 1);
    expectRefused(audit(auditConfig({ dataset: { kind: 'manifest-csv', path: manifest } })), 'dataset.file-too-large');
  });

  it('refuses a FIFO given as the target model (its hash is taken before the import)', () => {
    expectRefused(audit(auditConfig({ target: { kind: 'classifier', model: fifo('target.onnx') } })), 'model.not-a-file');
  });

  it('refuses a FIFO given as the null model', () => {
    expectRefused(audit(auditConfig({ nullModel: { model: fifo('null.onnx') } })), 'model.not-a-file');
  });

  it('refuses a FIFO given as the target sidecar, and one found beside the model by its name', () => {
    expectRefused(
      audit(auditConfig({ target: { kind: 'classifier', model: kit.model, sidecar: fifo('sidecar.json') } })),
      'model.not-a-file',
    );
    const folder = path.join(dir, 'beside');
    fs.mkdirSync(folder, { recursive: true });
    const model = path.join(folder, 'model.onnx');
    fs.copyFileSync(kit.model, model);
    makeFifo(path.join(folder, 'model.json'));
    expectRefused(audit(auditConfig({ target: { kind: 'classifier', model } })), 'model.not-a-file');
  });

  it('refuses a sidecar over the byte limit from its size (a sparse file)', () => {
    const sidecar = path.join(dir, 'huge-sidecar.json');
    fs.writeFileSync(sidecar, '{}');
    fs.truncateSync(sidecar, maxModelJsonFileBytes + 1);
    expectRefused(audit(auditConfig({ target: { kind: 'classifier', model: kit.model, sidecar } })), 'model.file-too-large');
  });

  it('refuses a FIFO given as a model-set manifest', () => {
    expectRefused(audit(auditConfig({ references: { manifest: fifo('reference-manifest.json') } })), 'model.not-a-file');
  });

  it.runIf(fs.existsSync(path.join(clipKit, 'image_encoder.onnx')))('refuses a FIFO given as a CLIP tokenizer', () => {
    const target = {
      kind: 'clip',
      imageModel: path.join(clipKit, 'image_encoder.onnx'),
      textModel: path.join(clipKit, 'text_encoder.onnx'),
      tokenizer: fifo('tokenizer.json'),
    };
    expectRefused(audit(auditConfig({ target, runs: [{ attack: 'csa', seed: 1 }] })), 'model.not-a-file');
  });

  it.runIf(fs.existsSync(path.join(diffusionKit, 'unet.onnx')))('refuses a FIFO given as a diffusion scheduler', () => {
    const target = { kind: 'diffusion', model: path.join(diffusionKit, 'unet.onnx'), scheduler: fifo('scheduler.json') };
    expectRefused(audit(auditConfig({ target, runs: [{ attack: 'rediffuse', seed: 1 }] })), 'model.not-a-file');
  });
});
