// A label-only classifier served over KServe v2 (the demo target with an ArgMax appended, whose one output is the
// int64 class index) goes through the same path as a local one: the remote model's integer output passes through the
// unchanged classifier adapter as labels, with JSON and with binary tensors, equal to the local model's; probabilities
// are refused, since the model has none.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, openClassifier, type ClassifierAdapter } from '../../../src-main/engine/models/classifier-adapter';
import { buildClassifierConfig } from '../../../src-main/engine/models/config-from-sidecar';
import { ModelSidecar } from '../../../src-main/engine/models/sidecar';
import { openKserveModel } from '../../../src-main/engine/remote/kserve-model';
import { startKserveTestServer, type KserveTestServer } from '../../helpers/kserve-test-server';
import { repoRoot } from '../../helpers/temp-dir';
import { caught, quickTarget, sampleBatch } from './helpers/remote-fixture';

const labelsFile = path.join(repoRoot, 'resources', 'demo', 'classifier', 'target_labels.onnx');
const sidecar = ModelSidecar.parse(JSON.parse(fs.readFileSync(labelsFile.replace(/\.onnx$/, '.json'), 'utf8')));
let servers: Record<'binary' | 'json', KserveTestServer>;
let local: ClassifierAdapter;

beforeAll(async () => {
  servers = {
    binary: await startKserveTestServer({ modelFile: labelsFile, binary: true }),
    json: await startKserveTestServer({ modelFile: labelsFile, binary: false }),
  };
  local = await openClassifier(labelsFile, buildClassifierConfig(sidecar, {}, { inputs: [], outputs: [] }, 'labels'));
});
afterAll(async () => {
  await servers.binary.close();
  await servers.json.close();
  await local.release();
});

describe('a KServe model that answers class indices', () => {
  it.each(['binary', 'json'] as const)('is label-only by its output and gives the local labels (%s tensors)', async (encoding) => {
    const model = await openKserveModel(quickTarget(servers[encoding].url));
    expect(model.outputs).toEqual([{ name: 'label', dtype: 'int64', shape: [-1] }]);
    const config = buildClassifierConfig(sidecar, {}, model, 'remote labels');
    expect(config.labelOnly).toBe(true);
    const remote = createClassifier(model, config, { maxBatch: 4 });
    expect(remote.labelOutput).toBe(true);
    const batch = sampleBatch(10);
    const labels = await remote.predictLabels(batch, 10);
    expect(Array.from(labels)).toEqual(Array.from(await local.predictLabels(batch, 10)));
    expect(labels.every((label) => label >= 0 && label < 10)).toBe(true);
    expect((await caught(remote.predict(batch, 10))).code).toBe('model.label-only');
    await remote.release();
  });
});
