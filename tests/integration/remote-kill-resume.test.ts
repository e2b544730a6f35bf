// A remote run under faults, end to end: `mia serve` (in process, from resources/demo/remote/serve.yaml) behind the
// fault proxy (tests/helpers/fault-proxy.ts), audited by a backend whose engine host is a real child process as the app
// runs it. The engine host is killed with SIGKILL while a request is held by the proxy; the run is interrupted, the
// workspace intact, and the resumed run sends no request that was answered before the kill (the proxy's per-request
// counter and the server's own log both show it) and scores exactly as the local ONNX file does. With 30 % of
// requests failing with 500, or 429 with Retry-After on each, the run finishes with the same scores; malformed JSON,
// a wrong shape or NaN fail it with a remote.* code within a bounded time, never a hang.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import { sampleManifest } from '../../src-main/cli/manifest-sample';
import type { Backend } from '../../src-main/services/backend';
import { startModelServer, type ModelServer } from '../../src-main/services/model-server/model-server';
import { readServeConfig } from '../../src-main/services/model-server/serve-config';
import { readScores } from '../../src-main/workspace/runs-repo';
import { integrityReport, snapshotRun, type RunSnapshot } from '../fixtures/bad/workspace-dump';
import { contractCalls } from '../helpers/contract-calls';
import { classifierKit } from '../helpers/demo-kit';
import { requestHash, startFaultProxy, type FaultMode, type FaultProxy } from '../helpers/fault-proxy';
import { createTestBackend } from '../helpers/in-process-bridge';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-remote-kill-resume-');
const token = 'remote-kill-resume-test-token';
const keyVariable = 'MIA_REMOTE_KILL_RESUME_TEST_KEY';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const serverLog: string[] = [];
const proxies: FaultProxy[] = [];
/** Finished runs as they landed; every later fault must leave them exactly so. */
const finished = new Map<number, RunSnapshot>();
let server: ModelServer;
let backend: Backend;
let call: ReturnType<typeof contractCalls>['call'];
let datasetId: number;
let localId: number;
let localLoss: number;
/** Infer requests one loss run over the dataset sends (the estimate before Start). */
let requestsPerRun: number;

/** Infer requests the server itself answered, from its own log. */
const serverInfers = (): number => serverLog.filter((line) => /^POST \/v2\/models\/[^ ]+\/infer 200 /.test(line)).length;

/** The proxy's per-request counter without readiness and metadata requests (GETs, which are not paid for). */
function inferCounts(proxy: FaultProxy): Map<string, number> {
  const unpaid = new Set(
    serverLog.filter((line) => line.startsWith('GET ')).map((line) => requestHash('GET', line.split(' ')[1]!, Buffer.alloc(0))),
  );
  return new Map([...proxy.counts].filter(([hash]) => !unpaid.has(hash)));
}

/**
 * The demo classifier imported as a remote target behind a fresh proxy. A new proxy is a new URL, so a new response
 * cache: each fault meets requests the workspace has no answer for yet. One request at a time keeps the proxy's
 * seeded faults in a fixed order.
 */
async function remoteBehindProxy(mode: FaultMode, endpoint: { retries?: number; timeoutMs?: number } = {}) {
  const proxy = await startFaultProxy(server.url, { mode });
  proxies.push(proxy);
  const model = await call('models.importRemote', {
    kind: 'classifier',
    name: `Remote demo classifier (${mode.kind})`,
    endpoint: { url: proxy.url, apiKeyEnv: keyVariable, concurrency: 1, ...endpoint },
    components: { model: { model: 'classifier' } },
    sidecarPath: path.join(classifierKit, 'target.json'),
  });
  return { proxy, modelId: model.id };
}

async function startRun(targetModelId: number): Promise<number> {
  return (await call('runs.start', { attack: 'loss', seed: 1, params: {}, targetModelId, datasetId })).id;
}

async function finishRun(runId: number): Promise<RunSummary> {
  await backend.idle();
  return call('runs.get', { runId });
}

/** Kills the engine host with SIGKILL and waits until the backend has seen it go. */
async function killEngineHost(): Promise<void> {
  const pid = backend.engine.hostPid();
  if (pid === undefined) throw new Error('no engine host to kill');
  process.kill(pid, 'SIGKILL');
  while (backend.engine.hostPid() === pid) await sleep(5);
}

async function until(what: string, limitMs: number, probe: () => boolean): Promise<void> {
  for (const from = Date.now(); !probe(); await sleep(20)) {
    if (Date.now() - from > limitMs) throw new Error(`Timed out after ${limitMs} ms waiting for ${what}.`);
  }
}

function expectSameScoresAsLocal(runId: number): void {
  const remote = readScores(backend.db, runId);
  const local = readScores(backend.db, localLoss);
  expect(remote.recordIds.length).toBeGreaterThan(0);
  expect(Array.from(remote.recordIds)).toEqual(Array.from(local.recordIds));
  // toEqual on numbers is Object.is: the same doubles, not merely close ones.
  expect(Array.from(remote.scores)).toEqual(Array.from(local.scores));
}

function expectWorkspaceIntact(): void {
  expect(integrityReport(backend.db)).toBe('ok');
  for (const [runId, before] of finished) expect(snapshotRun(backend.db, runId), `finished run ${runId}`).toEqual(before);
}

beforeAll(async () => {
  process.env[keyVariable] = token;
  const served = { ...readServeConfig(path.join(repoRoot, 'resources', 'demo', 'remote', 'serve.yaml')), variations: undefined };
  server = await startModelServer(served, { port: 0, token, log: (line) => serverLog.push(line) });
  backend = createTestBackend(dir).backend;
  ({ call } = contractCalls(backend));
  // 300 records of each member/role group: 600 audit and 200 calibration records are scored.
  const manifest = sampleManifest(path.join(classifierKit, 'manifest.csv'), 300, path.join(dir, 'records'));
  datasetId = (await call('datasets.import', { kind: 'manifest-csv', path: manifest, name: 'classifier sample' })).dataset.id;
  localId = (await call('models.import', { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') })).id;
  localLoss = await startRun(localId);
  expect((await finishRun(localLoss)).status).toBe('finished');
  finished.set(localLoss, snapshotRun(backend.db, localLoss));
}, 180_000);

afterAll(async () => {
  await backend?.idle();
  backend?.close();
  for (const proxy of proxies) await proxy.close();
  await server?.close();
  delete process.env[keyVariable];
});

describe('a remote run killed mid-way and resumed', () => {
  it('is interrupted, leaves the workspace intact, and on resume sends no request answered before the kill', async () => {
    // Each answer is held 1.5 s, so the engine host dies while the proxy holds a request and every earlier answer
    // has long reached the engine.
    const { proxy, modelId } = await remoteBehindProxy({ kind: 'slow', delayMs: 1_500 });
    requestsPerRun = (await call('runs.estimate', { attack: 'loss', targetModelId: modelId, datasetId, seed: 1, params: {} }))
      .remoteRequests!;
    expect(requestsPerRun).toBe(7); // 800 scored records in batches of at most 128
    const serverBefore = serverInfers();
    const runId = await startRun(modelId);
    await until('two answered infer requests', 60_000, () => proxy.forwardedInfers() >= 2);
    await sleep(300);
    await killEngineHost();
    const killed = await finishRun(runId);
    const answeredBeforeKill = proxy.forwardedInfers();
    const countsAtKill = new Map(proxy.counts);
    expect(killed.status).toBe('interrupted');
    expect(killed.error?.code).toBe('engine.crashed');
    expect(answeredBeforeKill).toBeGreaterThanOrEqual(2);
    expect(answeredBeforeKill).toBeLessThan(requestsPerRun);
    expect(readScores(backend.db, runId).scores.length).toBe(0);
    expectWorkspaceIntact();

    proxy.setMode({ kind: 'pass' });
    await call('runs.resume', { runId });
    const resumed = await finishRun(runId);
    expect(resumed.status, JSON.stringify(resumed.error)).toBe('finished');
    expectSameScoresAsLocal(runId);
    finished.set(runId, snapshotRun(backend.db, runId));

    // The server answered each of the run's requests exactly once, across the kill and the resume.
    expect(proxy.forwardedInfers()).toBe(requestsPerRun);
    expect(serverInfers() - serverBefore).toBe(requestsPerRun);
    // By the proxy's per-request counter: readiness and metadata are asked again on resume (they are not paid for);
    // of the infer requests it had seen at the kill, only the one it was holding, unanswered, was sent again.
    const counts = inferCounts(proxy);
    const inferHashes = [...counts.keys()];
    expect(inferHashes).toHaveLength(requestsPerRun);
    const seenAtKill = inferHashes.filter((hash) => countsAtKill.has(hash));
    const sentAgain = seenAtKill.filter((hash) => counts.get(hash)! > countsAtKill.get(hash)!);
    // With one request at a time, at most one was held (and never answered) when the engine host died.
    expect(seenAtKill.length - answeredBeforeKill).toBeLessThanOrEqual(1);
    expect(sentAgain.length).toBe(seenAtKill.length - answeredBeforeKill);
    for (const hash of inferHashes) expect(counts.get(hash), `request ${hash.slice(0, 12)} sent more than twice`).toBeLessThanOrEqual(2);
  }, 180_000);
});

describe('a remote run against a faulty server', () => {
  it('finishes with the same scores when 30 % of requests fail with 500', async () => {
    const { proxy, modelId } = await remoteBehindProxy({ kind: 'fail', rate: 0.3 }, { retries: 8 });
    const run = await finishRun(await startRun(modelId));
    expect(run.status, JSON.stringify(run.error)).toBe('finished');
    expectSameScoresAsLocal(run.id);
    expect(proxy.forwardedInfers()).toBe(requestsPerRun);
    // Some requests failed with 500 and were sent again (the seeded proxy fails several of the run's requests).
    const sent = [...inferCounts(proxy).values()].reduce((sum, count) => sum + count, 0);
    console.info(`30 % of 500s: ${sent} infer requests sent for ${requestsPerRun} answers`);
    expect(sent).toBeGreaterThan(requestsPerRun);
    finished.set(run.id, snapshotRun(backend.db, run.id));
    expectWorkspaceIntact();
  }, 180_000);

  it('finishes with the same scores when every request first gets 429 with Retry-After', async () => {
    const { proxy, modelId } = await remoteBehindProxy({ kind: 'rate-limit', retryAfter: '1' });
    const started = Date.now();
    const run = await finishRun(await startRun(modelId));
    expect(run.status, JSON.stringify(run.error)).toBe('finished');
    expectSameScoresAsLocal(run.id);
    expect(proxy.forwardedInfers()).toBe(requestsPerRun);
    // Retry-After: 1 was honoured: one request at a time, each waited at least a second before its second attempt.
    expect(Date.now() - started).toBeGreaterThanOrEqual(requestsPerRun * 1_000);
    finished.set(run.id, snapshotRun(backend.db, run.id));
    expectWorkspaceIntact();
  }, 180_000);

  for (const [mode, what, says] of [
    [{ kind: 'malformed-json' }, 'malformed JSON', /not JSON/],
    [{ kind: 'wrong-shape' }, 'an output of the wrong shape', /shape/],
    [{ kind: 'nan' }, 'NaN in an output', /"logits" holds NaN/],
  ] as const) {
    it(`fails the run with a remote.* code, within a bounded time, on ${what}`, async () => {
      const { modelId } = await remoteBehindProxy(mode, { retries: 2, timeoutMs: 10_000 });
      const started = Date.now();
      const run = await finishRun(await startRun(modelId));
      const seconds = (Date.now() - started) / 1000;
      expect(run.status).toBe('failed');
      expect(run.error?.code).toMatch(/^remote\./);
      expect(run.error?.message).toMatch(says);
      console.info(`${what}: ${run.error?.code} after ${seconds.toFixed(1)} s: ${run.error?.message}`);
      expect(seconds, 'refused within 30 s').toBeLessThan(30);
      expect(readScores(backend.db, run.id).scores.length).toBe(0);
      expectWorkspaceIntact();
    }, 60_000);
  }
});
