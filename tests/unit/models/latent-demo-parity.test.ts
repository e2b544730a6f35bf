// The latent pipeline demos (resources/demo/latent-diffusion/, resources/demo/dit/) against their PyTorch goldens:
// every component of each folder, opened as the engine opens models, gives the torch outputs of goldens/parity.json
// within 1e-4 of the largest value, and the latent UNet reads its weights from model.onnx_data beside it.
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { openOnnxModel } from '../../../src-main/engine/models/onnx-session';
import { demoFile, maxAbsDifference, readJson, readTensor, type TensorDescriptor } from './helpers/demo-kit';

interface ComponentGolden {
  inputs: Record<string, TensorDescriptor>;
  outputs: Record<string, TensorDescriptor>;
}

interface PipelineParity {
  ids: string[];
  member: number[];
  components: Record<string, ComponentGolden>;
}

function toFeed(descriptor: TensorDescriptor, folder: string): ort.Tensor {
  const values = readTensor(descriptor, folder);
  return descriptor.dtype === 'int64'
    ? new ort.Tensor(
        'int64',
        BigInt64Array.from(values, (v) => BigInt(v)),
        descriptor.shape,
      )
    : new ort.Tensor('float32', Float32Array.from(values), descriptor.shape);
}

describe.each(['latent-diffusion', 'dit'] as const)('%s demo parity', (family) => {
  const goldens = demoFile(family, 'goldens');
  const parity = readJson<PipelineParity>(path.join(goldens, 'parity.json'));

  test('the goldens cover a member and a non-member', () => {
    expect(parity.ids).toHaveLength(2);
    expect([...parity.member].sort()).toEqual([0, 1]);
  });

  test.each(Object.keys(parity.components))('%s/model.onnx matches PyTorch', async (component) => {
    const golden = parity.components[component]!;
    const model = await openOnnxModel(demoFile(family, component, 'model.onnx'));
    try {
      const feeds = Object.fromEntries(Object.entries(golden.inputs).map(([name, d]) => [name, toFeed(d, goldens)]));
      const outputs = await model.run(feeds);
      for (const [name, descriptor] of Object.entries(golden.outputs)) {
        const want = readTensor(descriptor, goldens);
        const got = outputs[name];
        expect(got?.dims, `${component} ${name}`).toEqual(descriptor.shape);
        const largest = want.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
        expect(largest, `${component} ${name} is not all zeros`).toBeGreaterThan(0);
        expect(maxAbsDifference(Array.from(got!.data as Float32Array), want) / largest, `${component} ${name}`).toBeLessThan(1e-4);
      }
    } finally {
      await model.release();
    }
  });
});

test('the latent UNet keeps its weights in unet/model.onnx_data', async () => {
  const model = await openOnnxModel(demoFile('latent-diffusion', 'unet', 'model.onnx'));
  try {
    expect(model.externalData.map((f) => f.location)).toEqual(['model.onnx_data']);
  } finally {
    await model.release();
  }
});
