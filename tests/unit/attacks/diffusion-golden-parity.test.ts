// The diffusion attack statistics on the demo UNet against the PyTorch reference (tools/demo-kit/diffusion.py):
// 8 records (4 members, 4 non-members) scored with the noise the reference drew, fed in through the noise source.
// Scores must agree to 1e-4 relative (the statistics are sums over 256 pixels, from ~1e-4 for SecMI to ~50 for the
// loss; measured on a stand-in UNet of the same architecture the largest relative difference was ~1e-6).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  lossStatistics,
  piaStatistics,
  powerDistances,
  rediffuseReconstructions,
  secmiStatistics,
} from '../../../src-main/engine/attacks/diffusion/diffusion-statistics';
import { suppliedNoise } from '../../../src-main/engine/attacks/diffusion/noise-source';
import { buildDiffusionConfig } from '../../../src-main/engine/models/config-from-sidecar';
import { openDenoiser, type DenoiserAdapter } from '../../../src-main/engine/models/denoiser-adapter';
import { openOnnxModel } from '../../../src-main/engine/models/onnx-session';
import { ModelSidecar } from '../../../src-main/engine/models/sidecar';
import { demoFile, readJson, readTensor, type TensorDescriptor } from '../models/helpers/demo-kit';

interface AttacksGolden {
  ids: string[];
  member: number[];
  x: TensorDescriptor;
  rediffuse_noise: TensorDescriptor;
  loss_noise: TensorDescriptor;
  params: {
    rediffuse: { n: number; t: number; stride: number };
    pia: { t: number };
    secmi: { t_sec: number; stride: number };
    loss: { t: number; n: number };
  };
  scores: { rediffuse: number[]; pia: number[]; secmi: number[]; loss: number[] };
}

function expectScores(actual: Float64Array, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => expect(Math.abs(value - expected[i]!)).toBeLessThanOrEqual(1e-4 * Math.abs(expected[i]!) + 1e-12));
}

describe('diffusion attacks against the PyTorch goldens', () => {
  let denoiser: DenoiserAdapter;
  let golden: AttacksGolden;
  let x: Float32Array;
  const size = 256;

  beforeAll(async () => {
    const sidecar = ModelSidecar.parse(readJson(demoFile('diffusion', 'unet.json')));
    const model = await openOnnxModel(demoFile('diffusion', 'unet.onnx'));
    const config = buildDiffusionConfig(sidecar, readJson(demoFile('diffusion', 'scheduler.json')), {}, model.inputs, 'unet.onnx');
    await model.release();
    denoiser = await openDenoiser(demoFile('diffusion', 'unet.onnx'), config);
    golden = readJson<AttacksGolden>(demoFile('diffusion', 'goldens', 'attacks-8.json'));
    x = Float32Array.from(readTensor(golden.x, demoFile('diffusion', 'goldens')));
    expect(x.length).toBe(8 * size);
  });
  afterAll(async () => denoiser?.release());

  test('ReDiffuse (n = 10, t = 200, k = 100, l2) with the reference noise matches to 1e-4, 20 calls per record', async () => {
    const { n, t, stride } = golden.params.rediffuse;
    const noise = readTensor(golden.rediffuse_noise, demoFile('diffusion', 'goldens'));
    const before = denoiser.modelCalls;
    const mean = await rediffuseReconstructions(denoiser, x, size, suppliedNoise(noise), { repeats: n, t, stride });
    expect(denoiser.modelCalls - before).toBe(8 * 20);
    expectScores(
      powerDistances(x, mean, size, 2).map((v) => -v),
      golden.scores.rediffuse,
    );
  });

  test('PIA (t = 200) matches to 1e-4 with 2 calls per record', async () => {
    const before = denoiser.modelCalls;
    const stats = await piaStatistics(denoiser, x, size, { t: golden.params.pia.t, gaussianScale: false });
    expect(denoiser.modelCalls - before).toBe(16);
    expectScores(
      stats.map((v) => -v),
      golden.scores.pia,
    );
  });

  test('SecMI (t_sec = 100, k = 10) and the diffusion loss (t = 100, n = 4, reference noise) match to 1e-4', async () => {
    const secmi = await secmiStatistics(denoiser, x, size, { t: golden.params.secmi.t_sec, stride: golden.params.secmi.stride });
    expectScores(
      secmi.map((v) => -v),
      golden.scores.secmi,
    );
    const noise = readTensor(golden.loss_noise, demoFile('diffusion', 'goldens'));
    const loss = await lossStatistics(denoiser, x, size, suppliedNoise(noise), { repeats: golden.params.loss.n, t: golden.params.loss.t });
    expectScores(
      loss.map((v) => -v),
      golden.scores.loss,
    );
  });
});
