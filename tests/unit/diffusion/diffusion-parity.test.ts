// The demo UNet and the DDIM helpers against the PyTorch goldens (resources/demo/diffusion/goldens): ε to 1e-4,
// x̂₀, a step, the denoising walk and the inversion to 1e-4, the schedule's ᾱ to 1e-12.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addNoise, ddimDenoise, ddimInvert, ddimStep, estimateX0 } from '../../../src-main/engine/diffusion/ddim';
import { buildDiffusionConfig } from '../../../src-main/engine/models/config-from-sidecar';
import { openDenoiser, type DenoiserAdapter } from '../../../src-main/engine/models/denoiser-adapter';
import { openOnnxModel } from '../../../src-main/engine/models/onnx-session';
import { ModelSidecar } from '../../../src-main/engine/models/sidecar';
import { decodeImage, demoFile, maxAbsDifference, readJson, readTensor, type TensorDescriptor } from '../models/helpers/demo-kit';

const goldens = demoFile('diffusion', 'goldens');
const tensor = (descriptor: TensorDescriptor) => readTensor(descriptor, goldens);

interface DdimGolden {
  ids: string[];
  t: number;
  x: TensorDescriptor;
  noise: TensorDescriptor;
  x_t: TensorDescriptor;
  eps_theta_x_t: TensorDescriptor;
  x0_hat: TensorDescriptor;
  step_200_to_100: TensorDescriptor;
  walk_200_100_0: TensorDescriptor;
  inversion_0_10: TensorDescriptor;
  inversion_0_10_20: TensorDescriptor;
  alpha_bar: Record<string, number>;
}

describe('diffusion demo parity', () => {
  let denoiser: DenoiserAdapter;
  beforeAll(async () => {
    const sidecar = ModelSidecar.parse(readJson(demoFile('diffusion', 'unet.json')));
    const model = await openOnnxModel(demoFile('diffusion', 'unet.onnx'));
    const config = buildDiffusionConfig(sidecar, readJson(demoFile('diffusion', 'scheduler.json')), {}, model.inputs, 'unet.onnx');
    await model.release();
    denoiser = await openDenoiser(demoFile('diffusion', 'unet.onnx'), config);
  });
  afterAll(async () => denoiser?.release());

  test('feeds int64 timesteps read from the model and matches the golden ε to 1e-4', async () => {
    expect(denoiser.timestepInput.dtype).toBe('int64');
    const golden = readJson<{ x: TensorDescriptor; t: TensorDescriptor; epsilon: TensorDescriptor }>(
      demoFile('diffusion', 'goldens', 'parity.json'),
    );
    const eps = await denoiser.predictEpsilon(Float32Array.from(tensor(golden.x)), Array.from(tensor(golden.t)));
    expect(maxAbsDifference(eps, tensor(golden.epsilon))).toBeLessThan(1e-4);
  });

  test('ᾱ of the schedule equals the goldens and the PNGs preprocess to the golden x in [-1, 1]', async () => {
    const golden = readJson<DdimGolden>(demoFile('diffusion', 'goldens', 'ddim.json'));
    for (const [t, value] of Object.entries(golden.alpha_bar)) expect(denoiser.schedule.alphaBar(Number(t))).toBeCloseTo(value, 12);
    const images = await Promise.all(golden.ids.map((id) => decodeImage(demoFile('diffusion', 'images', `${id}.png`))));
    expect(maxAbsDifference(denoiser.prepareImages(images), tensor(golden.x))).toBe(0);
  });

  test('noising, x̂₀, the step 200 → 100, the walk 200 → 100 → 0 and the inversion 0 → 10 → 20 match to 1e-4', async () => {
    const golden = readJson<DdimGolden>(demoFile('diffusion', 'goldens', 'ddim.json'));
    const x = tensor(golden.x);
    const xt = addNoise(denoiser.schedule, x, tensor(golden.noise), golden.t);
    expect(maxAbsDifference(xt, tensor(golden.x_t))).toBeLessThan(1e-4);
    const goldenXt = tensor(golden.x_t);
    expect(maxAbsDifference(await estimateX0(denoiser, goldenXt, 200), tensor(golden.x0_hat))).toBeLessThan(1e-4);
    const step = await ddimStep(denoiser, goldenXt, 200, 100);
    expect(maxAbsDifference(step.epsilon, tensor(golden.eps_theta_x_t))).toBeLessThan(1e-4);
    expect(maxAbsDifference(step.x, tensor(golden.step_200_to_100))).toBeLessThan(1e-4);
    const callsBefore = denoiser.modelCalls;
    expect(maxAbsDifference(await ddimDenoise(denoiser, goldenXt, 200, 100), tensor(golden.walk_200_100_0))).toBeLessThan(1e-4);
    expect(denoiser.modelCalls - callsBefore).toBe(2 * golden.ids.length);
    expect(maxAbsDifference(await ddimInvert(denoiser, x, 10, 10), tensor(golden.inversion_0_10))).toBeLessThan(1e-4);
    expect(maxAbsDifference(await ddimInvert(denoiser, x, 20, 10), tensor(golden.inversion_0_10_20))).toBeLessThan(1e-4);
  });
});
