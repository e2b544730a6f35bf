// A remote classifier behind the fault-injecting proxy: runs retry and succeed with the local result, or fail with
// a clear code within a bounded time; the budget stops a run cleanly; and the response cache means a resumed run
// never sends a request that was already answered (the proxy counts each request body).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClassifier, openClassifier, type ClassifierAdapter } from '../../../src-main/engine/models/classifier-adapter';
import { openKserveModel, type KserveModelOptions } from '../../../src-main/engine/remote/kserve-model';
import type { RemoteTargetInput } from '../../../src-main/engine/remote/remote-target';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy';
import { startKserveTestServer, type KserveTestServer } from '../../helpers/kserve-test-server';
import { makeTempDir } from '../../helpers/temp-dir';
import { caught, classifierConfig, classifierFile, quickTarget, sampleBatch } from './helpers/remote-fixture';

let upstream: KserveTestServer;
let proxy: FaultProxy;
let local: ClassifierAdapter;
const batch = sampleBatch(12, 3);
let expected: Float32Array;

beforeAll(async () => {
  upstream = await startKserveTestServer({ modelFile: classifierFile });
  proxy = await startFaultProxy(upstream.url, { seed: 19 });
  local = await openClassifier(classifierFile, classifierConfig());
  expected = (await local.predict(batch, 12)).logits!;
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
  await local.release();
});
beforeEach(() => proxy.setMode({ kind: 'pass' }));

async function remoteClassifier(extra: Partial<RemoteTargetInput> = {}, options: KserveModelOptions = {}) {
  const model = await openKserveModel(quickTarget(proxy.url, extra), options);
  return { model, classifier: createClassifier(model, classifierConfig(), { maxBatch: 3 }) };
}

describe('faults that retrying fixes', () => {
  it('succeeds with the local result when a seeded 30 % of requests fail with 500', async () => {
    const { model, classifier } = await remoteClassifier();
    proxy.setMode({ kind: 'fail', rate: 0.3 });
    const actual = await classifier.predict(batch, 12);
    expect(actual.logits).toEqual(expected);
    expect(model.counts().retried).toBeGreaterThan(0);
  });

  it('waits out a 429 with Retry-After and then succeeds', async () => {
    const { model, classifier } = await remoteClassifier();
    proxy.setMode({ kind: 'rate-limit', retryAfter: '1' });
    const started = Date.now();
    const actual = await classifier.predict(batch.subarray(0, 3 * 784), 3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(actual.logits).toEqual(expected.subarray(0, 30));
    expect(model.counts().retried).toBe(1);
  });
});

describe('faults that end the run with a clear code', () => {
  it('times out slow answers and stops retrying within a bounded time', async () => {
    const { classifier } = await remoteClassifier({ timeoutMs: 200, retries: 2 });
    proxy.setMode({ kind: 'slow', delayMs: 5000 });
    const started = Date.now();
    const error = await caught(classifier.predict(batch, 12));
    expect(error.code).toBe('remote.timeout');
    expect(error.message).toContain('gave up after 3 attempts');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses malformed JSON', async () => {
    const { classifier } = await remoteClassifier({ tensorEncoding: 'json' });
    proxy.setMode({ kind: 'malformed-json' });
    const error = await caught(classifier.predict(batch, 12));
    expect(error.code).toBe('remote.bad-response');
    expect(error.message).toMatch(/not JSON/);
  });

  it.each(['auto', 'json'] as const)('refuses a wrong output shape (%s tensors), naming the output', async (tensorEncoding) => {
    const { classifier } = await remoteClassifier({ tensorEncoding });
    proxy.setMode({ kind: 'wrong-shape' });
    const error = await caught(classifier.predict(batch, 12));
    expect(error.code).toBe('remote.bad-response');
    expect(error.message).toMatch(/output "logits" has shape \[3, 9\]; expected \[-1, 10\]/);
  });

  it('never scores NaN: a binary NaN is named, a JSON NaN token is not JSON', async () => {
    const binary = await remoteClassifier({ tensorEncoding: 'auto' });
    proxy.setMode({ kind: 'nan' });
    const error = await caught(binary.classifier.predict(batch, 12));
    expect(error.code).toBe('remote.bad-response');
    expect(error.message).toMatch(/output "logits" holds NaN at element 0/);
    const json = await remoteClassifier({ tensorEncoding: 'json' });
    expect((await caught(json.classifier.predict(batch, 12))).code).toBe('remote.bad-response');
  });
});

describe('budget and cache', () => {
  it('stops cleanly when the budget is spent', async () => {
    // Readiness ×2, server and model metadata are free reads; the budget of 2 queries covers 2 of the 4 batches.
    const { model, classifier } = await remoteClassifier({ budget: 2 });
    const error = await caught(classifier.predict(batch, 12));
    expect(error.code).toBe('remote.budget-exhausted');
    expect(error.message).toMatch(/budget of 2 queries .*\(2 sent\)/);
    expect(model.counts().sent).toBe(6);
  });

  it('resumes a stopped run without sending any answered request again', async () => {
    const cacheFolder = makeTempDir('mia-remote-cache-');
    const before = proxy.forwardedInfers();
    const first = await remoteClassifier({ budget: 2 }, { cacheFolder });
    expect((await caught(first.classifier.predict(batch, 12))).code).toBe('remote.budget-exhausted');
    expect(proxy.forwardedInfers() - before).toBe(2);

    const resumed = await remoteClassifier({}, { cacheFolder });
    expect((await resumed.classifier.predict(batch, 12)).logits).toEqual(expected);
    expect(resumed.model.counts().cacheHits).toBe(2);
    expect(proxy.forwardedInfers() - before).toBe(4);

    const again = await remoteClassifier({}, { cacheFolder });
    expect((await again.classifier.predict(batch, 12)).logits).toEqual(expected);
    expect(again.model.counts().cacheHits).toBe(4);
    expect(proxy.forwardedInfers() - before).toBe(4);
  });

  it('counts each distinct infer body once across a cached resume (proxy counter)', async () => {
    const cacheFolder = makeTempDir('mia-remote-cache-');
    const own = await startFaultProxy(upstream.url);
    try {
      for (let run = 0; run < 3; run += 1) {
        const model = await openKserveModel(quickTarget(own.url), { cacheFolder });
        await createClassifier(model, classifierConfig(), { maxBatch: 3 }).predict(batch, 12);
      }
      expect(own.forwardedInfers()).toBe(4);
      // Every POST body reached the server exactly once; the GETs (readiness, metadata) repeat per open.
      const counts = [...own.counts.values()];
      expect(counts.filter((count) => count === 1)).toHaveLength(4);
      expect(counts.filter((count) => count === 3)).toHaveLength(4);
    } finally {
      await own.close();
    }
  });

  it('does not store a refused answer: the request is sent again and then served from the cache', async () => {
    const cacheFolder = makeTempDir('mia-remote-cache-');
    const before = proxy.forwardedInfers();
    proxy.setMode({ kind: 'nan' });
    const failing = await remoteClassifier({}, { cacheFolder });
    expect((await caught(failing.classifier.predict(batch.subarray(0, 3 * 784), 3))).code).toBe('remote.bad-response');
    proxy.setMode({ kind: 'pass' });
    const fixed = await remoteClassifier({}, { cacheFolder });
    expect((await fixed.classifier.predict(batch.subarray(0, 3 * 784), 3)).logits).toEqual(expected.subarray(0, 30));
    const cached = await remoteClassifier({}, { cacheFolder });
    await cached.classifier.predict(batch.subarray(0, 3 * 784), 3);
    expect(cached.model.counts().cacheHits).toBe(1);
    expect(proxy.forwardedInfers() - before).toBe(2);
  });

  it('keeps the key out of the cache', async () => {
    const key = 'sk-cache-secret-42';
    const cacheFolder = makeTempDir('mia-remote-cache-');
    const { classifier } = await remoteClassifier({ apiKeyEnv: 'MIA_CACHE_KEY' }, { cacheFolder, env: { MIA_CACHE_KEY: key } });
    await classifier.predict(batch, 12);
    const files = fs.readdirSync(cacheFolder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(files).toHaveLength(4);
    for (const file of files) expect(fs.readFileSync(path.join(file.parentPath, file.name)).includes(key)).toBe(false);
  });
});
