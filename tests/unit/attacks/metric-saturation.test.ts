// The metric attacks on a classifier whose members saturate float32 softmax: scores come from the logits in float64,
// so the number of records tied at the top score, and the scores themselves, match an independent numpy reference.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { metricScores, type MetricStatistic } from '../../../src-main/engine/attacks/classifier/metric-scores';
import { openClassifier, type ClassifierAdapter } from '../../../src-main/engine/models/classifier-adapter';
import { ClassifierConfig } from '../../../src-main/engine/models/model-config';
import { buildOnnxModel } from '../models/helpers/onnx-builder';

interface Golden {
  records: number;
  classes: number;
  scale: number;
  labels: number[];
  inputs: number[];
  scores: Record<MetricStatistic, number[]>;
  topTies: Record<MetricStatistic, number>;
}

// Written by tests/fixtures/saturated-classifier/make_golden.py.
const golden = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'saturated-classifier', 'golden.json'), 'utf8'),
) as Golden;
const statistics: MetricStatistic[] = ['loss', 'confidence', 'entropy', 'modified-entropy'];

const topTies = (scores: ArrayLike<number>) => {
  const top = Math.max(...Array.from(scores));
  return Array.from(scores).filter((score) => score === top).length;
};

let folder: string;
let adapter: ClassifierAdapter;
beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-saturation-'));
  const file = path.join(folder, 'scaled.onnx');
  // logits = scale · input, on 1 × classes "images".
  fs.writeFileSync(
    file,
    buildOnnxModel({
      inputs: [{ name: 'pixel_values', type: 'float32', shape: ['batch', 1, 1, golden.classes] }],
      outputs: [{ name: 'logits', type: 'float32', shape: ['batch', golden.classes] }],
      initializers: [
        { name: 'flat', type: 'int64', dims: [2], values: [-1, golden.classes] },
        { name: 'scale', type: 'float32', dims: [], values: [golden.scale] },
      ],
      nodes: [
        { op: 'Reshape', inputs: ['pixel_values', 'flat'], outputs: ['features'] },
        { op: 'Mul', inputs: ['features', 'scale'], outputs: ['logits'] },
      ],
    }),
  );
  const config = ClassifierConfig.parse({
    kind: 'classifier',
    classes: golden.classes,
    preprocess: { width: golden.classes, height: 1, channels: 1, scale: 1 },
  });
  adapter = await openClassifier(file, config);
});
afterAll(async () => {
  await adapter.release();
  fs.rmSync(folder, { recursive: true, force: true });
});

describe('metric attacks on a model whose members saturate float32 softmax', () => {
  async function predict() {
    const prediction = await adapter.predict(Float32Array.from(golden.inputs), golden.records);
    return { classes: prediction.classes, probabilities: prediction.probabilities, logits: prediction.logits ?? null };
  }

  test('the model really saturates: float32 probabilities tie most members at the top', async () => {
    const outputs = await predict();
    expect(adapter.outputKind()).toBe('logits');
    const fromProbabilities = metricScores('loss', { ...outputs, logits: null }, golden.labels);
    // Half the records are members, and nearly all of them get a float32 p_y of exactly 1.0.
    expect(topTies(fromProbabilities)).toBeGreaterThanOrEqual(golden.records / 4);
    expect(golden.topTies.loss).toBeLessThan(golden.records / 10);
  });

  test.each(statistics)('%s ties as many records at the top as the float64 reference, with its scores to 1e-12', async (statistic) => {
    const outputs = await predict();
    const scores = metricScores(statistic, outputs, golden.labels);
    expect(topTies(scores)).toBe(golden.topTies[statistic]);
    const expected = golden.scores[statistic];
    const worst = Math.max(...expected.map((value, i) => Math.abs(scores[i]! - value) / Math.max(Math.abs(value), Number.MIN_VALUE)));
    expect(worst).toBeLessThan(1e-12);
  });
});
