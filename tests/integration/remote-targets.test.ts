// Remote KServe v2 models as workspace targets, against `mia serve` started in process from
// resources/demo/remote/serve.yaml on 127.0.0.1 with a bearer token: the demo classifier imported as a remote target
// (the key read from the variable the endpoint names, never stored); loss and confidence on it score exactly as on
// the local ONNX file, as CLIP csa and diffusion-loss do on the served encoders and denoiser; a second run over the same records is answered from the workspace's response cache (no infer
// request reaches the server, counted from the server's own request log); a run that reaches its query budget fails
// with remote.budget-exhausted, the workspace intact, and a run started again pays only for what was not answered
// before; `mia audit --json` audits a remote target; a model changed on its server is refused before a run starts.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelDetails, RunSummary } from '../../src-shared/contract/contract';
import { forkHostSpawner } from '../../src-main/host/fork-host';
import { createBackend, type Backend } from '../../src-main/services/backend';
import { startModelServer, type ModelServer } from '../../src-main/services/model-server/model-server';
import { readServeConfig, type ServeConfig } from '../../src-main/services/model-server/serve-config';
import { readMetrics, readRunLog, readScores } from '../../src-main/workspace/runs-repo';
import { contractCalls } from '../helpers/contract-calls';
import { classifierKit } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-remote-targets-');
const token = 'remote-targets-test-token';
const keyVariable = 'MIA_REMOTE_TARGETS_TEST_KEY';
// The variations endpoint opens the latent pipeline; these tests use the KServe models only.
const served: ServeConfig = { ...readServeConfig(path.join(repoRoot, 'resources', 'demo', 'remote', 'serve.yaml')), variations: undefined };
const serverLog: string[] = [];
let server: ModelServer;
let backend: Backend;
let call: ReturnType<typeof contractCalls>['call'];
let refusal: ReturnType<typeof contractCalls>['refusal'];
let scoredData: number;
let budgetData: number;
let localId: number;
let remoteId: number;

/** Infer requests the server answered, from its own log: what the workbench actually sent, cache hits excluded. */
const inferRequests = (): number => serverLog.filter((line) => /^POST \/v2\/models\/[^ ]+\/infer 200 /.test(line)).length;

/** Every other audit and calibration record of the classifier demo (`half` 0 or 1), images copied beside the manifest. */
function writeHalfManifest(half: 0 | 1): string {
  const folder = path.join(dir, `records-${half}`);
  fs.mkdirSync(path.join(folder, 'images'), { recursive: true });
  const [header, ...rows] = fs.readFileSync(path.join(classifierKit, 'manifest.csv'), 'utf8').trim().split('\n');
  const kept = rows.filter((row) => /,(audit|calibration)$/.test(row)).filter((_row, index) => index % 2 === half);
  for (const row of kept) {
    const image = row.split(',')[1] as string;
    fs.copyFileSync(path.join(classifierKit, image), path.join(folder, image));
  }
  const manifest = path.join(folder, 'manifest.csv');
  fs.writeFileSync(manifest, `${[header, ...kept].join('\n')}\n`);
  return manifest;
}

const endpoint = () => ({ url: server.url, apiKeyEnv: keyVariable });

async function runToEnd(request: Record<string, unknown>): Promise<RunSummary> {
  const started = await call('runs.start', { seed: 1, params: {}, ...request } as never);
  await backend.idle();
  return call('runs.get', { runId: started.id });
}

function scoresById(runId: number): Map<number, number> {
  const { recordIds, scores } = readScores(backend.db, runId);
  return new Map(Array.from(recordIds, (id, i) => [id, scores[i] as number]));
}

function expectSameScores(remoteRun: number, localRun: number): void {
  const remote = scoresById(remoteRun);
  const local = scoresById(localRun);
  expect(remote.size).toBe(local.size);
  expect(remote.size).toBeGreaterThan(0);
  let largest = 0;
  for (const [id, score] of local) largest = Math.max(largest, Math.abs((remote.get(id) ?? Number.NaN) - score));
  expect(largest).toBeLessThanOrEqual(1e-6);
}

const auc = (runId: number): number => readMetrics(backend.db, runId).find((m) => m.name === 'auc' && m.slice === '')?.value ?? Number.NaN;

beforeAll(async () => {
  process.env[keyVariable] = token;
  server = await startModelServer(served, { port: 0, token, log: (line) => serverLog.push(line) });
  backend = createBackend({ workspaceFile: path.join(dir, 'workspace.sqlite'), spawnHost: forkHostSpawner() });
  ({ call, refusal } = contractCalls(backend));
  scoredData = (await call('datasets.import', { kind: 'manifest-csv', path: writeHalfManifest(0), name: 'even half' })).dataset.id;
  budgetData = (await call('datasets.import', { kind: 'manifest-csv', path: writeHalfManifest(1), name: 'odd half' })).dataset.id;
  localId = (await call('models.import', { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') })).id;
}, 120_000);

afterAll(async () => {
  backend?.close();
  await server?.close();
  delete process.env[keyVariable];
});

describe('remote KServe v2 targets', () => {
  it('imports the demo classifier served by mia serve, reading its inputs and outputs from the server', async () => {
    const imported = await call('models.importRemote', {
      kind: 'classifier',
      name: 'Remote demo classifier',
      endpoint: endpoint(),
      components: { model: { model: 'classifier' } },
      sidecarPath: path.join(classifierKit, 'target.json'),
    });
    remoteId = imported.id;
    expect(imported).toMatchObject({ kind: 'classifier', role: 'target', name: 'Remote demo classifier' });
    const remote = await call('models.details', { modelId: remoteId });
    const local = await call('models.details', { modelId: localId });
    const names = (details: ModelDetails) =>
      details.io.model?.inputs.concat(details.io.model.outputs).map((tensor) => `${tensor.name}:${tensor.dtype}`);
    expect(names(remote)).toEqual(names(local));
    expect(remote.config['classes']).toBe(10);
    // The endpoint and the variable's name are stored; the key is not, anywhere in the workspace file.
    const row = backend.db.prepare('SELECT remote FROM models WHERE id = ?').get(remoteId) as { remote: string };
    expect(JSON.parse(row.remote)).toMatchObject({
      endpoint: { url: server.url, apiKeyEnv: keyVariable },
      components: { model: { model: 'classifier' } },
    });
    backend.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.readFileSync(path.join(dir, 'workspace.sqlite')).includes(token)).toBe(false);
  });

  it('refuses kinds a server cannot stand in for, naming the roles a family takes', async () => {
    const combined = await refusal('models.importRemote', {
      kind: 'clip',
      endpoint: endpoint(),
      components: { model: { model: 'clip-image' } },
      tokenizerPath: path.join(repoRoot, 'resources', 'demo', 'clip', 'tokenizer.json'),
    });
    expect(combined).toBe('remote.unsupported-component');
    expect(
      await refusal('models.importRemote', { kind: 'classifier', endpoint: { url: `${server.url}/?key=${token}` }, components: {} }),
    ).toBe('ipc.invalid-payload');
  });

  it('scores loss and confidence on the remote target exactly as on the local file', async () => {
    for (const attack of ['loss', 'confidence']) {
      const local = await runToEnd({ attack, targetModelId: localId, datasetId: scoredData });
      const remote = await runToEnd({ attack, targetModelId: remoteId, datasetId: scoredData });
      expect(local.status).toBe('finished');
      expect(remote.status, JSON.stringify(remote.error)).toBe('finished');
      expectSameScores(remote.id, local.id);
      expect(auc(remote.id)).toBe(auc(local.id));
    }
  }, 300_000);

  it('scores CLIP csa and diffusion-loss on remote targets exactly as on the local files', async () => {
    const clipKit = path.join(repoRoot, 'resources', 'demo', 'clip');
    const diffusionKit = path.join(repoRoot, 'resources', 'demo', 'diffusion');
    const clipData = (await call('datasets.import', { kind: 'manifest-csv', path: path.join(clipKit, 'manifest.csv') })).dataset.id;
    const diffusionData = (await call('datasets.import', { kind: 'manifest-csv', path: path.join(diffusionKit, 'manifest.csv') })).dataset
      .id;
    const clipLocal = await call('models.import', {
      kind: 'clip',
      imageModelPath: path.join(clipKit, 'image_encoder.onnx'),
      textModelPath: path.join(clipKit, 'text_encoder.onnx'),
      tokenizerPath: path.join(clipKit, 'tokenizer.json'),
    });
    const clipRemote = await call('models.importRemote', {
      kind: 'clip',
      endpoint: endpoint(),
      components: { image: { model: 'clip-image' }, text: { model: 'clip-text' } },
      sidecarPath: path.join(clipKit, 'image_encoder.json'),
      textSidecarPath: path.join(clipKit, 'text_encoder.json'),
      tokenizerPath: path.join(clipKit, 'tokenizer.json'),
    });
    const diffusionLocal = await call('models.import', { kind: 'diffusion', modelPath: path.join(diffusionKit, 'unet.onnx') });
    const diffusionRemote = await call('models.importRemote', {
      kind: 'diffusion',
      endpoint: endpoint(),
      components: { denoiser: { model: 'diffusion' } },
      sidecarPath: path.join(diffusionKit, 'unet.json'),
      schedulerPath: path.join(diffusionKit, 'scheduler.json'),
    });
    for (const [attack, local, remote, datasetId, params] of [
      ['csa', clipLocal.id, clipRemote.id, clipData, {}],
      ['diffusion-loss', diffusionLocal.id, diffusionRemote.id, diffusionData, { repeats: 1 }],
    ] as const) {
      const before = inferRequests();
      const onLocal = await runToEnd({ attack, targetModelId: local, datasetId, params });
      const onRemote = await runToEnd({ attack, targetModelId: remote, datasetId, params });
      expect(onLocal.status, JSON.stringify(onLocal.error)).toBe('finished');
      expect(onRemote.status, JSON.stringify(onRemote.error)).toBe('finished');
      expect(inferRequests()).toBeGreaterThan(before);
      expectSameScores(onRemote.id, onLocal.id);
    }
  }, 300_000);

  it('answers a second run over the same records from the cache, sending no infer request', async () => {
    const before = inferRequests();
    expect(before).toBeGreaterThan(0);
    const again = await runToEnd({ attack: 'entropy', targetModelId: remoteId, datasetId: scoredData });
    expect(again.status).toBe('finished');
    expect(inferRequests()).toBe(before);
    // Provenance: the run's log names the endpoint and model and how many answers came from the cache, never the key.
    const log = readRunLog(backend.db, again.id).map((line) => line.message);
    expect(log.join('\n')).toMatch(
      new RegExp(`${server.url}/v2/models/classifier.*\\b5 inference requests answered from the workspace's response cache`),
    );
    expect(log.join('\n')).not.toContain(token);
    const local = await runToEnd({ attack: 'entropy', targetModelId: localId, datasetId: scoredData });
    expectSameScores(again.id, local.id);
  }, 300_000);

  it('fails a run that reaches its query budget with remote.budget-exhausted, and a new start pays only for the rest', async () => {
    const finishedBefore = (await call('runs.list')).filter((run) => run.status === 'finished').length;
    const before = inferRequests();
    // The budget counts queries only (readiness and metadata reads are free): two of the five infer requests.
    const stopped = await runToEnd({ attack: 'loss', targetModelId: remoteId, datasetId: budgetData, queryBudget: 2 });
    expect(stopped.status).toBe('failed');
    expect(stopped.error?.code).toBe('remote.budget-exhausted');
    expect(stopped.error?.message).toMatch(/budget/i);
    expect(inferRequests() - before).toBe(2);
    expect(readScores(backend.db, stopped.id).scores.length).toBe(0);
    const runs = await call('runs.list');
    expect(runs.filter((run) => run.status === 'finished').length).toBe(finishedBefore);
    expect(backend.db.pragma('integrity_check', { simple: true })).toBe('ok');

    const resumed = await runToEnd({ attack: 'loss', targetModelId: remoteId, datasetId: budgetData, queryBudget: 100 });
    expect(resumed.status, JSON.stringify(resumed.error)).toBe('finished');
    expect(inferRequests() - before).toBe(5);
    const local = await runToEnd({ attack: 'loss', targetModelId: localId, datasetId: budgetData });
    expectSameScores(resumed.id, local.id);
  }, 300_000);

  it('estimates the infer requests of a run on a remote target before Start', async () => {
    const estimate = await call('runs.estimate', { attack: 'loss', targetModelId: remoteId, datasetId: scoredData, seed: 1, params: {} });
    // 600 scored records in batches of at most 128.
    expect(estimate.remoteRequests).toBe(5);
    expect(estimate.remoteCost ?? null).toBeNull();
    const local = await call('runs.estimate', { attack: 'loss', targetModelId: localId, datasetId: scoredData, seed: 1, params: {} });
    expect(local.remoteRequests ?? null).toBeNull();
    // With a price per request the cost is estimated too (the same served model again, so as a copy).
    const priced = await call('models.importRemote', {
      kind: 'classifier',
      endpoint: { ...endpoint(), pricePerRequest: 0.25 },
      components: { model: { model: 'classifier' } },
      sidecarPath: path.join(classifierKit, 'target.json'),
      allowDuplicate: true,
    });
    const withPrice = await call('runs.estimate', { attack: 'loss', targetModelId: priced.id, datasetId: scoredData, seed: 1, params: {} });
    expect(withPrice).toMatchObject({ remoteRequests: 5, remoteCost: 1.25 });
  });

  it('audits a remote target with mia audit --json', async () => {
    const config = path.join(dir, 'remote-audit.yaml');
    fs.writeFileSync(
      config,
      [
        'dataset:',
        `  path: ${JSON.stringify(path.join(dir, 'records-0', 'manifest.csv'))}`,
        'target:',
        '  kind: classifier',
        '  name: Remote demo classifier',
        `  remote: { url: ${JSON.stringify(server.url)}, model: classifier, apiKeyEnv: ${keyVariable} }`,
        `  sidecar: ${JSON.stringify(path.join(classifierKit, 'target.json'))}`,
        'runs:',
        '  - { attack: loss, seed: 1, queryBudget: 1000 }',
        '',
      ].join('\n'),
    );
    // Asynchronous: the server answering the CLI runs in this process.
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [path.join(repoRoot, 'bin', 'mia.js'), 'audit', '--config', config, '--workspace', path.join(dir, 'cli.sqlite'), '--json'],
        { env: { ...process.env, MIA_WORKSPACE: '' } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    expect(result.status, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as { runs: { attack: string; metrics: { auc: number } }[] };
    const local = (await call('runs.list')).find(
      (run) => run.attack === 'loss' && run.targetModelId === localId && run.datasetId === scoredData,
    );
    expect(printed.runs).toHaveLength(1);
    expect(printed.runs[0]?.attack).toBe('loss');
    expect(printed.runs[0]?.metrics.auc).toBeCloseTo(auc(local!.id), 9);
  }, 300_000);

  it('refuses to start a run on a model that changed on its server, naming the URL and the model', async () => {
    const port = server.port;
    await server.close();
    // The same name now serves the probabilities export: its outputs, so its metadata, differ.
    const changed: ServeConfig = {
      ...served,
      models: served.models.map((model) =>
        model.name === 'classifier' ? { ...model, onnx: path.join(classifierKit, 'target_probs.onnx') } : model,
      ),
    };
    server = await startModelServer(changed, { port, token, log: (line) => serverLog.push(line) });
    const runsBefore = (await call('runs.list')).length;
    const answer = await backend.router.dispatch('runs.start', { attack: 'loss', targetModelId: remoteId, datasetId: scoredData, seed: 1 });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('model.remote-changed');
    expect(answer.error.message).toContain(server.url);
    expect(answer.error.message).toContain('"classifier"');
    expect((await call('runs.list')).length).toBe(runsBefore);
  }, 120_000);
});
