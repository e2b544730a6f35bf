// A classifier served over KServe v2 gives exactly the local ONNX result through the unchanged classifier adapter,
// with JSON and with binary tensors, and the remote model describes itself like a local one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, openClassifier, type ClassifierAdapter } from '../../../src-main/engine/models/classifier-adapter';
import { describeRemoteModel, openKserveModel } from '../../../src-main/engine/remote/kserve-model';
import { startKserveTestServer, type KserveTestServer } from '../../helpers/kserve-test-server';
import { caught, classifierConfig, classifierFile, quickTarget, sampleBatch } from './helpers/remote-fixture';

let binaryServer: KserveTestServer;
let jsonServer: KserveTestServer;
let local: ClassifierAdapter;

beforeAll(async () => {
  binaryServer = await startKserveTestServer({ modelFile: classifierFile, binary: true });
  jsonServer = await startKserveTestServer({ modelFile: classifierFile, binary: false });
  local = await openClassifier(classifierFile, classifierConfig());
});

afterAll(async () => {
  await binaryServer.close();
  await jsonServer.close();
  await local.release();
});

describe('openKserveModel', () => {
  it.each([
    ['binary tensors', () => binaryServer, 'auto', true],
    ['JSON tensors (server without the extension)', () => jsonServer, 'auto', false],
    ['JSON tensors (forced)', () => binaryServer, 'json', false],
  ] as const)('matches the local ONNX classifier with %s', async (_label, server, tensorEncoding, binary) => {
    const model = await openKserveModel(quickTarget(server().url, { tensorEncoding }));
    expect(model.binaryTensors).toBe(binary);
    const remote = createClassifier(model, classifierConfig(), { maxBatch: 4 });
    const batch = sampleBatch(10);
    const expected = await local.predict(batch, 10);
    const actual = await remote.predict(batch, 10);
    // float32 travels as JSON numbers with full round-trip precision, and as raw bytes: both are exact.
    expect(actual.logits).toEqual(expected.logits);
    expect(actual.probabilities).toEqual(expected.probabilities);
    expect(model.counts().sent).toBe((tensorEncoding === 'auto' ? 4 : 3) + 3); // ready ×2, /v2 when auto, metadata; 3 batches
    await remote.release();
  });

  it('reads inputs and outputs from the model metadata, with -1 for the free batch dimension', async () => {
    const model = await openKserveModel(quickTarget(binaryServer.url));
    expect(model.file).toBe(`kserve:${binaryServer.url}/v2/models/classifier`);
    expect(model.inputs).toEqual([{ name: 'pixel_values', dtype: 'float32', shape: [-1, 1, 28, 28] }]);
    expect(model.outputs).toEqual([{ name: 'logits', dtype: 'float32', shape: [-1, 10] }]);
    expect(model.externalData).toEqual([]);
    await model.release();
    expect((await caught(model.run({}))).code).toBe('model.released');
  });

  it('asks the server and the model for readiness first, and names a model the server does not have', async () => {
    const before = binaryServer.seen.length;
    await openKserveModel(quickTarget(binaryServer.url));
    expect(binaryServer.seen.slice(before, before + 2).map((request) => request.path)).toEqual([
      '/v2/health/ready',
      '/v2/models/classifier/ready',
    ]);
    const error = await caught(openKserveModel(quickTarget(binaryServer.url, { model: 'nope' })));
    expect(error.code).toBe('remote.not-ready');
    expect(error.message).toContain('nope');
  });

  it('refuses a feed the model does not have, or of the wrong type', async () => {
    const model = await openKserveModel(quickTarget(binaryServer.url));
    const ort = await import('onnxruntime-node');
    expect((await caught(model.run({ image: new ort.Tensor('float32', new Float32Array(784), [1, 1, 28, 28]) }))).message).toMatch(
      /no input "image"; its inputs are "pixel_values"/,
    );
    expect((await caught(model.run({ pixel_values: new ort.Tensor('float64', new Float64Array(784), [1, 1, 28, 28]) }))).message).toMatch(
      /given float64 values; the server declares FP32/,
    );
  });
});

describe('describeRemoteModel', () => {
  it('gives a stable identity that changes with the model, the URL and the version', async () => {
    const first = await describeRemoteModel(quickTarget(binaryServer.url));
    const again = await describeRemoteModel(quickTarget(binaryServer.url));
    expect(first.identity).toMatch(/^[0-9a-f]{64}$/);
    expect(again.identity).toBe(first.identity);
    expect(first.metadata.inputs[0]!.name).toBe('pixel_values');
    const elsewhere = await describeRemoteModel(quickTarget(jsonServer.url));
    expect(elsewhere.identity).not.toBe(first.identity);
  });
});
