// qmia against its independent reference (tools/demo-kit/qmia_goldens.py → resources/demo/classifier/goldens/qmia.json):
// φ from the demo target's parity logits, the fixed regressor's quantiles through ONNX Runtime as the engine opens it,
// the scores φ − q̂, and the pinball loss.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { sha256OfFile } from '../../../src-main/common/file-sha256';
import { liraStatistic } from '../../../src-main/engine/attacks/classifier/lira-math';
import { pinballLoss, qmiaScores } from '../../../src-main/engine/attacks/classifier/qmia-math';
import { openOnnxModel } from '../../../src-main/engine/models/onnx-session';
import { demoFile, readJson, readTensor, type TensorDescriptor } from '../models/helpers/demo-kit';

interface QmiaGolden {
  labels: number[];
  phi: number[];
  regressor: { model: string; sha256: string };
  quantiles: number[];
  scores: number[];
  pinball: { scores: number[]; predictions: number[]; tau: number; loss: number }[];
}

interface ParityGolden {
  input: TensorDescriptor;
  models: { target: { output: TensorDescriptor } };
}

const golden = readJson<QmiaGolden>(demoFile('classifier', 'goldens', 'qmia.json'));
const parity = readJson<ParityGolden>(demoFile('classifier', 'goldens', 'parity.json'));
const goldens = demoFile('classifier', 'goldens');

function targetPhi(): Float64Array {
  const logits = Float32Array.from(readTensor(parity.models.target.output, goldens));
  return liraStatistic({ classes: 10, logits, probabilities: new Float32Array(logits.length) }, golden.labels);
}

describe('qmia goldens (numpy / PyTorch reference)', () => {
  it('computes φ of the target logits as the reference does', () => {
    const phi = targetPhi();
    golden.phi.forEach((value, i) => expect(phi[i]!).toBeCloseTo(value, 9));
  });

  it('gives the fixed regressor’s quantiles through ONNX Runtime, and the scores φ − q̂', async () => {
    const file = demoFile('classifier', 'goldens', golden.regressor.model);
    expect(await sha256OfFile(file)).toBe(golden.regressor.sha256);
    const model = await openOnnxModel(file);
    try {
      const input = Float32Array.from(readTensor(parity.input, goldens));
      const outputs = await model.run({ pixel_values: new ort.Tensor('float32', input, parity.input.shape) });
      const quantiles = Float64Array.from(outputs.quantile!.data as Float32Array);
      golden.quantiles.forEach((value, i) => expect(quantiles[i]!).toBeCloseTo(value, 5));
      const scores = qmiaScores(targetPhi(), quantiles);
      golden.scores.forEach((value, i) => expect(scores[i]!).toBeCloseTo(value, 5));
    } finally {
      await model.release();
    }
  });

  it('gives the reference pinball loss at each level', () => {
    for (const c of golden.pinball) expect(pinballLoss(c.scores, c.predictions, c.tau)).toBeCloseTo(c.loss, 12);
  });
});
