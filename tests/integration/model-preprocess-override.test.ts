// models.setPreprocess: a preset replaces resize, crop and normalisation where the model's input takes its size,
// and is refused, naming both sizes, where it does not; mean/std by hand keep the imported resize. Each run records
// the preprocessing it started with, so runs before and after an override keep their provenance, and an
// interrupted run is not resumed on another preprocessing.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiaError } from '../../src-main/common/errors';
import type { Backend } from '../../src-main/services/backend';
import { readModelSpec } from '../../src-main/services/run-inputs';
import { assertSamePreprocess } from '../../src-main/services/run-preprocess-pin';
import { getRunConfig } from '../../src-main/workspace/runs-repo';
import { contractCalls } from '../helpers/contract-calls';
import { classifierKit, demoDir } from '../helpers/demo-kit';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { makeTempDir } from '../helpers/temp-dir';
import { writeLinearClassifier } from '../unit/models/helpers/onnx-builder';

const imagenetMean = [0.485, 0.456, 0.406];
const dir = makeTempDir('mia-preprocess-override-');
let backend: Backend;
let modelId: number;
let datasetId: number;

beforeAll(async () => {
  backend = createTestBackend(dir).backend;
  const { call } = contractCalls(backend);
  datasetId = (await call('datasets.import', { kind: 'manifest-csv', path: path.join(classifierKit, 'manifest.csv') })).dataset.id;
  modelId = (await call('models.import', { kind: 'classifier', modelPath: path.join(demoDir, 'hf-classifier') })).id;
}, 180_000);

afterAll(async () => {
  await backend?.idle();
  backend?.close();
});

const preprocessOf = async () =>
  (await contractCalls(backend).call('models.details', { modelId })).config.preprocess as Record<string, unknown>;

describe('overriding a model’s preprocessing', () => {
  it('refuses the ImageNet preset for the 32×32 folder model, naming both sizes, and leaves the model as it was', async () => {
    const imported = await preprocessOf();
    const answer = await backend.router.dispatch('models.setPreprocess', { modelId, preset: 'imagenet' });
    expect(answer.ok).toBe(false);
    if (!answer.ok) {
      expect(answer.error.code).toBe('model.preprocess-mismatch');
      expect(answer.error.message).toContain('gives 224×224 images');
      expect(answer.error.message).toContain('takes 32×32');
    }
    expect(await preprocessOf()).toEqual(imported);
  });

  it('edits mean and std by hand on the imported resize, and "imported" goes back to what the folder said', async () => {
    const { call } = contractCalls(backend);
    const imported = await preprocessOf();
    await call('models.setPreprocess', { modelId, preset: 'imported', mean: [0.4, 0.4, 0.4], std: [0.3] });
    expect(await preprocessOf()).toEqual({ ...imported, mean: [0.4, 0.4, 0.4], std: [0.3] });
    await call('models.setPreprocess', { modelId, preset: 'imported' });
    expect(await preprocessOf()).toEqual(imported);
  });

  it('applies the ImageNet preset whole (resize 256, crop 224, its mean and std) to a model that takes 224×224', async () => {
    const { call } = contractCalls(backend);
    const file = path.join(dir, 'linear-224.onnx');
    writeLinearClassifier(file, { channels: 3, size: 224, classes: 2 });
    const plain = await call('models.import', {
      kind: 'classifier',
      modelPath: file,
      config: { classes: 2, preprocess: { width: 224, height: 224, channels: 3 } },
    });
    await call('models.setPreprocess', { modelId: plain.id, preset: 'imagenet' });
    const details = await call('models.details', { modelId: plain.id });
    expect(details.config.preprocess).toMatchObject({
      width: 224,
      height: 224,
      channels: 3,
      resize: { resizeTo: { shorterEdge: 256 }, filter: 'bilinear' },
      mean: imagenetMean,
      std: [0.229, 0.224, 0.225],
    });
    expect(details.config.importedPreprocess).toMatchObject({ resize: 'stretch', mean: [0] });
  });

  it('refuses a std of 0 at the boundary and a mean that fits neither one channel nor three, naming the field', async () => {
    const { refusal } = contractCalls(backend);
    expect(await refusal('models.setPreprocess', { modelId, preset: 'imported', std: [0] })).toBe('ipc.invalid-payload');
    const answer = await backend.router.dispatch('models.setPreprocess', { modelId, preset: 'imported', mean: [0.5, 0.5] });
    expect(answer.ok).toBe(false);
    if (!answer.ok) {
      expect(answer.error.code).toBe('model.bad-preprocess');
      expect(answer.error.message).toMatch(/mean/);
    }
  });

  it('lets the auditor forbid and allow greyscale images for the colour model, which decides whether the grey data fits', async () => {
    const { call, refusal } = contractCalls(backend);
    const channelMismatch = async () =>
      (await call('models.fit', { modelId, datasetId })).mismatches.filter((mismatch) => mismatch.kind === 'channels');
    expect(await channelMismatch()).toEqual([]);
    await call('models.setPreprocess', { modelId, preset: 'imported', expandGrey: false });
    expect((await preprocessOf()).expandGrey).toBe(false);
    const [mismatch] = await channelMismatch();
    expect(mismatch?.message).toContain('do_convert_rgb');
    expect(await refusal('runs.start', { attack: 'loss', targetModelId: modelId, datasetId, seed: 1 })).toBe('run.data-mismatch');
    await call('models.setPreprocess', { modelId, preset: 'imported', expandGrey: true });
    expect(await channelMismatch()).toEqual([]);
  });

  it('refuses greyscale expansion for a 1-channel model, naming the field', async () => {
    const { call } = contractCalls(backend);
    const grey = await call('models.import', {
      kind: 'classifier',
      modelPath: path.join(classifierKit, 'twin.onnx'),
      role: 'target',
      name: 'grey twin',
    });
    const answer = await backend.router.dispatch('models.setPreprocess', { modelId: grey.id, preset: 'imported', expandGrey: true });
    expect(answer.ok).toBe(false);
    if (!answer.ok) {
      expect(answer.error.code).toBe('model.bad-preprocess');
      expect(answer.error.message).toContain('3-channel');
    }
  });

  it('records in each run the preprocessing it was scored with, and refuses to resume on another', async () => {
    const { call } = contractCalls(backend);
    await call('models.setPreprocess', { modelId, preset: 'imported' });
    const before = await runToEnd(backend, { attack: 'loss', targetModelId: modelId, datasetId, seed: 1 });
    await call('models.setPreprocess', { modelId, preset: 'imported', mean: imagenetMean });
    const after = await runToEnd(backend, { attack: 'loss', targetModelId: modelId, datasetId, seed: 1 });
    expect(before.status).toBe('finished');
    expect(after.status).toBe('finished');
    const recorded = (runId: number) => getRunConfig(backend.db, runId).targetPreprocess as { mean: number[] };
    expect(recorded(before.id).mean).toEqual([0.5, 0.5, 0.5]);
    expect(recorded(after.id).mean).toEqual(imagenetMean);
    // The demo records are greyscale; the folder's do_convert_rgb let them through as RGB, and each run says so.
    expect(getRunConfig(backend.db, before.id).greyExpanded).toBe(true);
    // The model now has the ImageNet mean: the first run's recorded spec no longer matches it.
    const target = readModelSpec(backend.db, modelId, 'target');
    expect(() => assertSamePreprocess(after.id, getRunConfig(backend.db, after.id), target)).not.toThrow();
    let refused: unknown;
    try {
      assertSamePreprocess(before.id, getRunConfig(backend.db, before.id), target);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(MiaError);
    expect((refused as MiaError).code).toBe('run.inputs-changed');
  }, 180_000);
});
