// The classifier adapter on the demo kit's real ONNX models: parity with PyTorch, output-kind detection, refusals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isMiaError, MiaError } from '../../../src-main/common/errors';
import { openClassifier } from '../../../src-main/engine/models/classifier-adapter';
import { buildClassifierConfig } from '../../../src-main/engine/models/config-from-sidecar';
import { ClassifierConfig } from '../../../src-main/engine/models/model-config';
import { openOnnxModel } from '../../../src-main/engine/models/onnx-session';
import { preprocess } from '../../../src-main/engine/models/preprocess';
import { ModelSidecar } from '../../../src-main/engine/models/sidecar';
import { writeLinearClassifier } from './helpers/onnx-builder';
import { decodeImage, demoFile, maxAbsDifference, readJson, readTensor, type TensorDescriptor } from './helpers/demo-kit';

// The kit writes DONE last; a family folder without it may be half regenerated.

const sidecarOf = (name: string) => ModelSidecar.parse(readJson(demoFile('classifier', `${name}.json`)));
const configOf = (name: string, overrides: Partial<ClassifierConfig> = {}) =>
  ClassifierConfig.parse({ ...buildClassifierConfig(sidecarOf(name), {}, { inputs: [], outputs: [] }, name), ...overrides });

/** Softmax of each row of `classes` values, written out here as the expectation for the adapter's own. */
function softmaxRows(values: readonly number[], classes: number): number[] {
  const out: number[] = [];
  for (let start = 0; start < values.length; start += classes) {
    const row = values.slice(start, start + classes);
    const top = Math.max(...row);
    const exps = row.map((value) => Math.exp(value - top));
    const total = exps.reduce((sum, value) => sum + value, 0);
    out.push(...exps.map((value) => value / total));
  }
  return out;
}

async function caught(promise: Promise<unknown>): Promise<MiaError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MiaError) return error;
    throw error;
  }
  throw new Error('expected a MiaError');
}

let folder: string;
beforeAll(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-classifier-'));
});
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

test('refuses a file named .onnx that is not an ONNX model with model.not-onnx naming the file', async () => {
  const fake = path.join(folder, 'holiday-photos.onnx');
  fs.writeFileSync(fake, 'this is not a model\n');
  const error = await caught(openOnnxModel(fake));
  expect(error.code).toBe('model.not-onnx');
  expect(error.message).toContain('holiday-photos.onnx');
});

describe('classifier adapter on models written by the tests', () => {
  const config = ClassifierConfig.parse({ kind: 'classifier', classes: 3, preprocess: { width: 2, height: 2, channels: 1, scale: 1 } });
  const batch = Float32Array.of(1, 0, 0, 1, 0.5, -1, 2, 0, 0, 0, 0, 3);

  test('detects logits and probabilities from the values and agrees on the probabilities', async () => {
    writeLinearClassifier(path.join(folder, 'logits.onnx'));
    writeLinearClassifier(path.join(folder, 'probs.onnx'), { softmax: true });
    const logits = await openClassifier(path.join(folder, 'logits.onnx'), config);
    const probs = await openClassifier(path.join(folder, 'probs.onnx'), config);
    const a = await logits.predict(batch, 3);
    const b = await probs.predict(batch, 3);
    expect([logits.outputKind(), probs.outputKind()]).toEqual(['logits', 'probabilities']);
    expect(Array.from(a.logits?.subarray(0, 3) ?? [])).toEqual([-0.5, 0, 0.5].map(Math.fround));
    expect(maxAbsDifference(a.probabilities, b.probabilities)).toBeLessThan(1e-6);
    await logits.release();
    await probs.release();
  });

  test('splits a batch into the fixed batch size the model declares', async () => {
    writeLinearClassifier(path.join(folder, 'batch-one.onnx'), { batch: 1 });
    const adapter = await openClassifier(path.join(folder, 'batch-one.onnx'), config);
    const result = await adapter.predict(batch, 3);
    expect(result.probabilities).toHaveLength(9);
    expect(adapter.modelCalls).toBe(3);
    await adapter.release();
  });

  test('refuses RGB preprocessing for a grey model and a dataset label beyond the classes, saying what does not fit', async () => {
    writeLinearClassifier(path.join(folder, 'grey.onnx'));
    const rgb = await caught(
      openClassifier(path.join(folder, 'grey.onnx'), { ...config, preprocess: { ...config.preprocess, channels: 3 } }),
    );
    expect(rgb.code).toBe('model.incompatible');
    expect(rgb.message).toBe(
      'grey.onnx: input pixel_values [batch, 1, 2, 2] float32 does not fit the preprocessing (NCHW) — channels: the model takes 1, the preprocessing gives 3.',
    );
    const adapter = await openClassifier(path.join(folder, 'grey.onnx'), config);
    expect(() => adapter.checkDataset({ name: 'four-classes', maxLabel: 3 })).toThrow(
      /the model has 3 classes \(labels 0–2\), but dataset "four-classes" has label 3/,
    );
    expect(() => adapter.checkDataset({ name: 'named', maxLabel: 1, classNames: ['a', 'b', 'c', 'd'] })).toThrow(/names 4/);
    adapter.checkDataset({ name: 'fits', maxLabel: 2 });
    await adapter.release();
  });

  test('refuses a batch whose length does not match the image count', async () => {
    writeLinearClassifier(path.join(folder, 'short.onnx'));
    const adapter = await openClassifier(path.join(folder, 'short.onnx'), config);
    await expect(adapter.predict(batch, 2)).rejects.toThrow(/a batch of 2 images needs 8 values, got 12/);
    await adapter.release();
  });
});

describe('demo classifier', () => {
  test('reads input and output names, shapes with symbolic dims and dtypes from the model', async () => {
    const model = await openOnnxModel(demoFile('classifier', 'target.onnx'));
    expect(model.inputs).toEqual([{ name: 'pixel_values', dtype: 'float32', shape: ['batch', 1, 28, 28] }]);
    expect(model.outputs).toEqual([{ name: 'logits', dtype: 'float32', shape: ['batch', 10] }]);
    await model.release();
  });

  test('detects logits on target.onnx and probabilities on target_probs.onnx, with the same probabilities', async () => {
    const logitsModel = await openClassifier(demoFile('classifier', 'target.onnx'), configOf('target', { output: 'auto' }));
    const probsModel = await openClassifier(demoFile('classifier', 'target_probs.onnx'), configOf('target_probs', { output: 'auto' }));
    const batch = Float32Array.from({ length: 3 * 784 }, (_, i) => Math.cos(i * 0.37));
    const a = await logitsModel.predict(batch, 3);
    const b = await probsModel.predict(batch, 3);
    expect(logitsModel.outputKind()).toBe('logits');
    expect(probsModel.outputKind()).toBe('probabilities');
    // The logits model's probabilities are the softmax of its logits, computed here row by row.
    expect(maxAbsDifference(a.probabilities, softmaxRows(Array.from(a.logits ?? []), 10))).toBeLessThan(1e-6);
    expect(b.logits).toBeUndefined();
    expect(maxAbsDifference(a.probabilities, b.probabilities)).toBeLessThan(1e-5);
    expect(logitsModel.modelCalls).toBe(3);
    await logitsModel.release();
    await probsModel.release();
  });

  test('a configured output kind overrides detection', async () => {
    const forced = await openClassifier(demoFile('classifier', 'target_probs.onnx'), configOf('target_probs', { output: 'logits' }));
    const result = await forced.predict(new Float32Array(784), 1);
    expect(forced.outputKind()).toBe('logits');
    // The model's own outputs (probabilities, summing to 1) are taken as logits and put through softmax once more.
    const logits = Array.from(result.logits ?? []);
    expect(logits).toHaveLength(10);
    expect(Math.abs(logits.reduce((sum, value) => sum + value, 0) - 1)).toBeLessThan(1e-5);
    expect(maxAbsDifference(result.probabilities, softmaxRows(logits, 10))).toBeLessThan(1e-6);
    await forced.release();
  });

  test('refuses 3-channel preprocessing for a 1-channel model before any run, naming the channels', async () => {
    const base = configOf('target');
    const error = await caught(
      openClassifier(demoFile('classifier', 'target.onnx'), { ...base, preprocess: { ...base.preprocess, channels: 3 } }),
    );
    expect(error.code).toBe('model.incompatible');
    expect(error.message).toMatch(/channels: the model takes 1, the preprocessing gives 3/);
  });

  test('refuses a class count that differs from the model output, and a dataset label beyond the classes', async () => {
    const wrongCount = await caught(openClassifier(demoFile('classifier', 'target.onnx'), configOf('target', { classes: 5 })));
    expect(wrongCount.code).toBe('model.incompatible');
    expect(wrongCount.message).toMatch(/has 10 classes, but the configuration says 5/);
    const adapter = await openClassifier(demoFile('classifier', 'target.onnx'), configOf('target'));
    adapter.checkDataset({ name: 'fashion', maxLabel: 9 });
    try {
      adapter.checkDataset({ name: 'cifar-100', maxLabel: 99 });
      expect.unreachable();
    } catch (error) {
      expect(isMiaError(error, 'model.incompatible')).toBe(true);
      expect((error as Error).message).toMatch(/10 classes \(labels 0–9\), but dataset "cifar-100" has label 99/);
    } finally {
      await adapter.release();
    }
  });
});

interface ParityGolden {
  ids: string[];
  input: TensorDescriptor;
  models: Record<string, { model: string; output_name: string; output: TensorDescriptor }>;
}

describe('parity with the PyTorch goldens', () => {
  test('preprocessing the PNGs reproduces the golden input tensor', async () => {
    const golden = readJson<ParityGolden>(demoFile('classifier', 'goldens', 'parity.json'));
    const expected = readTensor(golden.input, demoFile('classifier', 'goldens'));
    const spec = configOf('target').preprocess;
    const images = await Promise.all(golden.ids.map((id) => decodeImage(demoFile('classifier', 'images', `${id}.png`))));
    const ours = images.flatMap((image) => Array.from(preprocess(image, spec)));
    expect(maxAbsDifference(ours, expected)).toBe(0);
  });

  test('every golden model gives the PyTorch outputs to 1e-5', async () => {
    const golden = readJson<ParityGolden>(demoFile('classifier', 'goldens', 'parity.json'));
    const input = Float32Array.from(readTensor(golden.input, demoFile('classifier', 'goldens')));
    for (const [name, entry] of Object.entries(golden.models)) {
      const sidecarName = entry.model.replace(/\.onnx$/, '');
      const config = configOf(sidecarName);
      const adapter = await openClassifier(demoFile('classifier', entry.model), config);
      const result = await adapter.predict(input, golden.ids.length);
      const raw = result.logits ?? result.probabilities;
      const difference = maxAbsDifference(raw, readTensor(entry.output, demoFile('classifier', 'goldens')));
      expect(difference, `${name} differs by ${difference}`).toBeLessThan(1e-5);
      await adapter.release();
    }
  });
});
