// The label-only attacks against tools/demo-kit/label_only_reference.py (a torch re-implementation of the demo
// target): on the first audited members and non-members, the fraction of fixed flips and shifts labelled correctly,
// and the binary-search position of the boundary towards a fixed far image, both through the committed ArgMax target
// (it answers class indices only) and through the logits target read by its arg-max.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { augmentImage, correctFraction } from '../../../src-main/engine/attacks/classifier/augmentation-math';
import { binarySearchBoundary } from '../../../src-main/engine/attacks/classifier/boundary-search';
import type { RunRecord } from '../../../src-main/engine/attacks/run-record';
import { createRecordImages } from '../../../src-main/engine/jobs/record-images';
import { openClassifier, type ClassifierAdapter } from '../../../src-main/engine/models/classifier-adapter';
import { buildClassifierConfig } from '../../../src-main/engine/models/config-from-sidecar';
import { openOnnxModel } from '../../../src-main/engine/models/onnx-session';
import { ModelSidecar } from '../../../src-main/engine/models/sidecar';
import { classifierKit } from '../../helpers/demo-kit';

interface Golden {
  ids: string[];
  labels: number[];
  predicted: number[];
  augmentations: { flip: boolean; shiftX: number; shiftY: number }[];
  augmentationScores: number[];
  binarySteps: number;
  farIndex: number[];
  boundaryT: number[];
}

const golden = JSON.parse(fs.readFileSync(path.join(classifierKit, 'goldens', 'label-only.json'), 'utf8')) as Golden;
const size = 28 * 28;
const models: Record<string, ClassifierAdapter> = {};
let inputs: Float32Array;

async function open(file: string): Promise<ClassifierAdapter> {
  const modelFile = path.join(classifierKit, file);
  const sidecar = ModelSidecar.parse(JSON.parse(fs.readFileSync(modelFile.replace(/\.onnx$/, '.json'), 'utf8')));
  const onnx = await openOnnxModel(modelFile);
  const config = buildClassifierConfig(sidecar, {}, onnx, file);
  await onnx.release();
  return openClassifier(modelFile, config);
}

beforeAll(async () => {
  models['target_labels.onnx'] = await open('target_labels.onnx');
  models['target.onnx'] = await open('target.onnx');
  const rows = fs.readFileSync(path.join(classifierKit, 'manifest.csv'), 'utf8').trim().split('\n').slice(1);
  const records: RunRecord[] = golden.ids.map((id, i) => {
    const image = rows.find((row) => row.startsWith(`${id},`))!.split(',')[1]!;
    const file = path.join(classifierKit, image);
    const sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    return {
      id: i + 1,
      key: id,
      path: file,
      sourceIndex: null,
      sha256,
      label: golden.labels[i]!,
      caption: null,
      member: null,
      role: 'audit',
    };
  });
  inputs = await createRecordImages().tensors(records, models['target.onnx'].config.preprocess);
});
afterAll(async () => {
  for (const model of Object.values(models)) await model.release();
});

describe.each(['target_labels.onnx', 'target.onnx'])('label-only goldens through %s', (file) => {
  it('the model is label-only by nature only when its output is the class index', () => {
    expect(models[file]!.labelOutput).toBe(file === 'target_labels.onnx');
    expect(models[file]!.config.labelOnly ?? false).toBe(file === 'target_labels.onnx');
  });

  it('predicts the reference labels of the unchanged records', async () => {
    expect(Array.from(await models[file]!.predictLabels(inputs, golden.ids.length))).toEqual(golden.predicted);
  });

  it('labels the same fraction of fixed flips and shifts correctly as the reference', async () => {
    const perRecord = golden.augmentations.length;
    const batch = new Float32Array(golden.ids.length * perRecord * size);
    golden.ids.forEach((_, r) =>
      golden.augmentations.forEach((augmentation, a) =>
        augmentImage(
          inputs.subarray(r * size, (r + 1) * size),
          { channels: 1, height: 28, width: 28, layout: 'NCHW' },
          { ...augmentation, noiseStd: 0 },
          null,
          batch,
          (r * perRecord + a) * size,
        ),
      ),
    );
    const predicted = await models[file]!.predictLabels(batch, golden.ids.length * perRecord);
    expect(Array.from(correctFraction(predicted, Int32Array.from(golden.labels), perRecord))).toEqual(golden.augmentationScores);
  });

  it('finds the boundary towards a fixed far image where the reference does, to within the last halvings', async () => {
    const far = new Float32Array(inputs.length);
    golden.farIndex.forEach((j, r) => far.set(inputs.subarray(j * size, (j + 1) * size), r * size));
    const model = models[file]!;
    const t = await binarySearchBoundary(inputs, far, Int32Array.from(golden.labels), size, golden.binarySteps, (points, count) =>
      model.predictLabels(points, count),
    );
    // ONNX Runtime and torch may round a point that lies on the boundary either way; such a point can only be met in
    // the last few halvings, which move t by 2^-10 at most.
    Array.from(t).forEach((value, r) => expect(Math.abs(value - golden.boundaryT[r]!), golden.ids[r]).toBeLessThanOrEqual(2 ** -10));
  });
});
