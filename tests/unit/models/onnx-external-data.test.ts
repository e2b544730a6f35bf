// External data of ONNX models: where a model's weights live besides the .onnx file, refusals of references that
// leave the model's folder (before ONNX Runtime sees them), and ONNX Runtime's run-time failures under their own code.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { MiaError } from '../../../src-main/common/errors';
import { externalDataLocations, resolveExternalData } from '../../../src-main/engine/models/onnx-external-data';
import { openOnnxModel } from '../../../src-main/engine/models/onnx-session';
import { makeTempDir } from '../../helpers/temp-dir';
import { buildOnnxModel, writeOnnxWithExternalData, type InitializerSpec } from './helpers/onnx-builder';

const root = makeTempDir('mia-external-data-');
let folders = 0;

/** A fresh folder per model, so one case's files never satisfy another's references. */
function modelFolder(): string {
  folders += 1;
  const folder = path.join(root, `m${folders}`, 'model');
  fs.mkdirSync(folder, { recursive: true });
  return folder;
}

/** y = x · W + shift on [batch, 2] inputs, with W and shift stored where `weights` and `shift` say. */
function affineGraph(weights: Partial<InitializerSpec> = {}, shift: Partial<InitializerSpec> = {}): Parameters<typeof buildOnnxModel>[0] {
  return {
    inputs: [{ name: 'x', type: 'float32', shape: ['batch', 2] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['batch', 2] }],
    initializers: [
      { name: 'weights', type: 'float32', dims: [2, 2], values: [1, 2, 3, 4], ...weights },
      { name: 'shift', type: 'float32', dims: [2], values: [10, 20], ...shift },
    ],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'weights'], outputs: ['product'] },
      { op: 'Add', inputs: ['product', 'shift'], outputs: ['y'] },
    ],
  };
}

/** The model and its external files. */
function writeAffine(file: string, weights: Partial<InitializerSpec> = {}, shift: Partial<InitializerSpec> = {}): void {
  writeOnnxWithExternalData(file, affineGraph(weights, shift));
}

/** The model only: its references point at whatever the test puts there. */
function writeAffineModelOnly(file: string, weights: Partial<InitializerSpec>): void {
  fs.writeFileSync(file, buildOnnxModel(affineGraph(weights)));
}

async function caught(work: () => unknown): Promise<MiaError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof MiaError) return error;
    throw error;
  }
  throw new Error('expected a MiaError');
}

async function affineOutput(file: string): Promise<number[]> {
  const model = await openOnnxModel(file);
  try {
    const result = await model.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1]), [1, 2]) });
    return [...(result.y?.data as Float32Array)];
  } finally {
    await model.release();
  }
}

describe('finding external data', () => {
  test('lists every external file of a model, each once, and ONNX Runtime computes with their bytes', async () => {
    const folder = modelFolder();
    const file = path.join(folder, 'affine.onnx');
    writeAffine(
      file,
      { external: { location: 'weights.bin', offset: 0, length: 16 } },
      { external: { location: 'data/shift.bin', offset: 0, length: 8 } },
    );
    expect(externalDataLocations(file).sort()).toEqual(['data/shift.bin', 'weights.bin']);
    expect(resolveExternalData(file)).toEqual([
      { location: 'data/shift.bin', path: path.join(folder, 'data', 'shift.bin') },
      { location: 'weights.bin', path: path.join(folder, 'weights.bin') },
    ]);
    expect(await affineOutput(file)).toEqual([14, 26]);
    const model = await openOnnxModel(file);
    expect(model.externalData.map((entry) => entry.location)).toEqual(['data/shift.bin', 'weights.bin']);
    await model.release();
  });

  test('a model with its weights inside has no external data', () => {
    const file = path.join(modelFolder(), 'inline.onnx');
    writeAffine(file);
    expect(resolveExternalData(file)).toEqual([]);
  });

  test('two spellings of one file ("./w.bin", "w.bin") are one external file', () => {
    const file = path.join(modelFolder(), 'twice.onnx');
    writeAffine(
      file,
      { external: { location: './w.bin', offset: 0, length: 16 } },
      { external: { location: 'w.bin', offset: 16, length: 8 } },
    );
    expect(resolveExternalData(file).map((entry) => entry.location)).toEqual(['w.bin']);
  });
});

describe('refusals', () => {
  test('a reference to ../outside.bin is refused with model.external-data-outside naming it, before ONNX Runtime', async () => {
    const folder = modelFolder();
    const file = path.join(folder, 'escape.onnx');
    // The outside file exists, so only the folder rule can refuse it.
    writeAffine(file, { external: { location: '../outside.bin', offset: 0, length: 16 } });
    expect(fs.existsSync(path.join(folder, '..', 'outside.bin'))).toBe(true);
    const error = await caught(() => openOnnxModel(file));
    expect(error.code).toBe('model.external-data-outside');
    expect(error.message).toContain('"../outside.bin"');
    expect(error.message).toContain('escape.onnx');
    expect(error.message).not.toContain('Export the model to ONNX');
  });

  test('an absolute location is refused with model.external-data-outside', async () => {
    const folder = modelFolder();
    const outside = path.join(path.dirname(folder), 'absolute.bin');
    const file = path.join(folder, 'absolute.onnx');
    writeAffine(file, { external: { location: outside, offset: 0, length: 16 } });
    expect((await caught(() => openOnnxModel(file))).code).toBe('model.external-data-outside');
  });

  test('a symbolic link inside the folder that leads out of it is refused with model.external-data-outside', async () => {
    const folder = modelFolder();
    const file = path.join(folder, 'linked.onnx');
    fs.writeFileSync(path.join(folder, '..', 'real.bin'), Buffer.alloc(16));
    fs.symlinkSync(path.join(folder, '..', 'real.bin'), path.join(folder, 'link.bin'));
    writeAffineModelOnly(file, { external: { location: 'link.bin', offset: 0, length: 16 } });
    const error = await caught(() => resolveExternalData(file));
    expect(error.code).toBe('model.external-data-outside');
    expect(error.message).toContain('"link.bin"');
  });

  test('a location holding a NUL character is refused with model.not-onnx, not a TypeError', async () => {
    const file = path.join(modelFolder(), 'nul.onnx');
    writeAffineModelOnly(file, { external: { location: 'w\u0000.bin', offset: 0, length: 16 } });
    const error = await caught(() => openOnnxModel(file));
    expect(error.code).toBe('model.not-onnx');
    expect(error.message).toContain('nul.onnx');
  });

  test('a missing external file is refused with model.file-missing naming it', async () => {
    const folder = modelFolder();
    const file = path.join(folder, 'missing.onnx');
    writeAffine(file, { external: { location: 'gone.bin', offset: 0, length: 16 } });
    fs.rmSync(path.join(folder, 'gone.bin'));
    const error = await caught(() => openOnnxModel(file));
    expect(error.code).toBe('model.file-missing');
    expect(error.message).toContain('gone.bin');
  });

  test('a FIFO named as external data, or as the model, is refused with model.not-a-file instead of hanging', async () => {
    const folder = modelFolder();
    const file = path.join(folder, 'fifo.onnx');
    writeAffineModelOnly(file, { external: { location: 'pipe.bin' } });
    execFileSync('mkfifo', [path.join(folder, 'pipe.bin')]);
    const error = await caught(() => openOnnxModel(file));
    expect(error.code).toBe('model.not-a-file');
    expect(error.message).toContain('pipe.bin');
    const fifoModel = path.join(folder, 'pipe.onnx');
    execFileSync('mkfifo', [fifoModel]);
    expect((await caught(() => openOnnxModel(fifoModel))).code).toBe('model.not-a-file');
  });

  test('a cut-off model is refused with model.not-onnx naming the file', async () => {
    const folder = modelFolder();
    const whole = path.join(folder, 'whole.onnx');
    writeAffine(whole, { external: { location: 'weights.bin', offset: 0, length: 16 } });
    const bytes = fs.readFileSync(whole);
    const cut = path.join(folder, 'cut.onnx');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const error = await caught(() => openOnnxModel(cut));
    expect(error.code).toBe('model.not-onnx');
    expect(error.message).toContain('cut.onnx');
  });
});

test('a failure inside ONNX Runtime while computing is model.runtime-failed, with the runtime words', async () => {
  const file = path.join(modelFolder(), 'bad-reshape.onnx');
  // Any batch of [batch, 4] floats holds 4·batch values, never the 3 · 65 the fixed shape asks for.
  fs.writeFileSync(
    file,
    buildOnnxModel({
      inputs: [{ name: 'x', type: 'float32', shape: ['batch', 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: [3, 65] }],
      initializers: [{ name: 'shape', type: 'int64', dims: [2], values: [3, 65] }],
      nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] }],
    }),
  );
  const model = await openOnnxModel(file);
  try {
    const error = await caught(() => model.run({ x: new ort.Tensor('float32', new Float32Array(8), [2, 4]) }));
    expect(error.code).toBe('model.runtime-failed');
    expect(error.message).toContain('bad-reshape.onnx');
    expect(error.message).toMatch(/Reshape/);
    expect(error.details?.cause).toEqual(expect.stringMatching(/Reshape/));
  } finally {
    await model.release();
  }
});
