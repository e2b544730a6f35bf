// Conditional denoisers through the adapter, on real ONNX Runtime sessions: a class-conditional DiT (labels fed to
// class_labels, the learned-variance half of a 2·C-channel output dropped) and a text-conditional UNet (hidden states
// fed to encoder_hidden_states), each with classifier-free guidance ε = ε_u + s·(ε_c − ε_u) (null class, empty
// prompt), checked against the fixtures' closed forms ε = f·t·x + w·y and ε = f·t·x + w·mean(h).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDenoiser, type DenoiserAdapter } from '../../../src-main/engine/models/denoiser-adapter';
import { preparePipeline } from '../../../src-main/services/pipeline-import';
import { fixtureClasses, fixtureFactor, fixtureLabelWeight, writePipelineFixture } from '../../helpers/pipeline-fixture';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir();
const sampleSize = 4 * 8 * 8;
let denoiser: DenoiserAdapter;
let unet: DenoiserAdapter;

async function open(name: string, conditioning: 'class' | 'text'): Promise<DenoiserAdapter> {
  const { config, files } = await preparePipeline(writePipelineFixture(path.join(dir, name), { conditioning }), {});
  return openDenoiser(files.denoiser!.path, config);
}

beforeAll(async () => {
  denoiser = await open('dit', 'class');
  unet = await open('text', 'text');
});
afterAll(async () => {
  await denoiser.release();
  await unet.release();
});

/** Two samples with values 0.1·(i mod 7), at timesteps 10 and 20. */
const x = Float32Array.from({ length: 2 * sampleSize }, (_, i) => 0.1 * (i % 7));
const t = [10, 20];

function expected(labels: number[], scale: number): number[] {
  return Array.from(x, (value, i) => {
    const item = Math.floor(i / sampleSize);
    const y = labels[item] as number;
    const base = fixtureFactor * (t[item] as number) * value;
    return base + fixtureLabelWeight * (fixtureClasses + scale * (y - fixtureClasses));
  });
}

describe('class-conditional denoiser', () => {
  it('feeds each sample its label and keeps only the ε half of the 2·C-channel output', async () => {
    const eps = await denoiser.predictEpsilon(x, t, { classLabels: [3, 7], guidanceScale: 1 });
    expect(eps).toHaveLength(x.length);
    Array.from(eps).forEach((value, i) => expect(value).toBeCloseTo(expected([3, 7], 1)[i]!, 5));
  });

  it('with guidance scale 3 mixes in the null class’s pass and calls the denoiser twice per sample', async () => {
    const before = denoiser.modelCalls;
    const eps = await denoiser.predictEpsilon(x, t, { classLabels: [3, 7], guidanceScale: 3 });
    Array.from(eps).forEach((value, i) => expect(value).toBeCloseTo(expected([3, 7], 3)[i]!, 5));
    expect(denoiser.modelCalls - before).toBe(4);
  });

  it('refuses a batch without labels or with a label outside the classes (the null class included)', async () => {
    await expect(denoiser.predictEpsilon(x, t)).rejects.toMatchObject({
      code: 'model.bad-input',
      message: expect.stringContaining('class-conditional'),
    });
    await expect(denoiser.predictEpsilon(x, t, { classLabels: [3, fixtureClasses], guidanceScale: 1 })).rejects.toMatchObject({
      code: 'model.bad-input',
      message: expect.stringContaining(`class label ${fixtureClasses} is outside the model's classes 0 … ${fixtureClasses - 1}`),
    });
  });
});

describe('text-conditional denoiser', () => {
  const rowSize = 77 * 8;
  /** Hidden states whose mean is `mean` for each of the rows. */
  const states = (...means: number[]) => Float32Array.from({ length: means.length * rowSize }, (_, i) => means[Math.floor(i / rowSize)]!);
  const expectedText = (means: number[], empty: number, scale: number) =>
    Array.from(x, (value, i) => {
      const item = Math.floor(i / sampleSize);
      return fixtureFactor * (t[item] as number) * value + fixtureLabelWeight * (empty + scale * ((means[item] as number) - empty));
    });

  it('feeds each sample its hidden states', async () => {
    const eps = await unet.predictEpsilon(x, t, { hiddenStates: states(2, 5), emptyPrompt: null, guidanceScale: 1 });
    Array.from(eps).forEach((value, i) => expect(value).toBeCloseTo(expectedText([2, 5], 0, 1)[i]!, 5));
  });

  it('with guidance scale 4 mixes in the empty prompt’s pass', async () => {
    const eps = await unet.predictEpsilon(x, t, { hiddenStates: states(2, 5), emptyPrompt: states(1), guidanceScale: 4 });
    Array.from(eps).forEach((value, i) => expect(value).toBeCloseTo(expectedText([2, 5], 1, 4)[i]!, 4));
  });

  it('refuses class labels or a batch without hidden states', async () => {
    await expect(unet.predictEpsilon(x, t, { classLabels: [1, 2], guidanceScale: 1 })).rejects.toMatchObject({ code: 'model.bad-input' });
    await expect(unet.predictEpsilon(x, t)).rejects.toMatchObject({
      code: 'model.bad-input',
      message: expect.stringContaining('text-conditional'),
    });
  });
});
