// The exported report of a run on a remote target, against `mia serve` started in process with a bearer token: the PDF
// names the protocol, the endpoint URL and host, the variable the key is read from, the served model with its version
// and identity hash at import, the run's query budget and the run log's own note on requests and cache hits, and the
// limitation that results describe the model as served during the audit; the PDF and both CSVs never hold the key.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkHostSpawner } from '../../src-main/host/fork-host';
import { createBackend, type Backend } from '../../src-main/services/backend';
import { startModelServer, type ModelServer } from '../../src-main/services/model-server/model-server';
import { readServeConfig } from '../../src-main/services/model-server/serve-config';
import { exportRuns } from '../../src-main/services/reports/export-service';
import { getStoredModel } from '../../src-main/workspace/models-repo';
import { readRunLog } from '../../src-main/workspace/runs-repo';
import { contractCalls } from '../helpers/contract-calls';
import { classifierKit } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
const dir = makeTempDir('mia-remote-report-');
const token = 'remote-report-test-token-7f3a9c';
const keyVariable = 'MIA_REMOTE_REPORT_TEST_KEY';
const queryBudget = 5000;
let server: ModelServer;
let backend: Backend;
let call: ReturnType<typeof contractCalls>['call'];
let runId: number;
let modelId: number;

/** pdftotext's text with line breaks and layout spaces folded, so that a wrapped sentence still matches. */
const pdfText = (file: string): string => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
const folded = (text: string): string => text.replace(/\s+/g, ' ');

beforeAll(async () => {
  process.env[keyVariable] = token;
  // The KServe models only: the variations endpoint would open the latent pipeline, which this report does not need.
  const served = { ...readServeConfig(path.join(repoRoot, 'resources', 'demo', 'remote', 'serve.yaml')), variations: undefined };
  server = await startModelServer(served, { port: 0, token, log: () => undefined });
  backend = createBackend({ workspaceFile: path.join(dir, 'workspace.sqlite'), spawnHost: forkHostSpawner() });
  ({ call } = contractCalls(backend));
  const datasetId = (await call('datasets.import', { kind: 'manifest-csv', path: path.join(classifierKit, 'manifest.csv') })).dataset.id;
  modelId = (
    await call('models.importRemote', {
      kind: 'classifier',
      name: 'Served classifier',
      endpoint: { url: server.url, apiKeyEnv: keyVariable },
      components: { model: { model: 'classifier', version: '1' } },
      sidecarPath: path.join(classifierKit, 'target.json'),
    })
  ).id;
  const started = await call('runs.start', { attack: 'loss', targetModelId: modelId, datasetId, seed: 1, params: {}, queryBudget });
  await backend.idle();
  runId = started.id;
  const run = await call('runs.get', { runId });
  if (run.status !== 'finished') throw new Error(`the remote run did not finish: ${JSON.stringify(run.error)}`);
}, 180_000);

afterAll(async () => {
  backend?.close();
  await server?.close();
  delete process.env[keyVariable];
});

describe.skipIf(!hasPoppler)('the report of a run on a remote target', () => {
  it('names the endpoint, key variable, served model and its identity, the budget and the log note, never the key', async () => {
    const pdf = path.join(dir, 'out', 'report.pdf');
    const csv = path.join(dir, 'out', 'scores.csv');
    fs.mkdirSync(path.dirname(pdf));
    const exported = await exportRuns(backend.db, { runIds: [runId], pdf, csv });
    const text = pdfText(pdf);

    const url = new URL(server.url);
    expect(text).toContain('Served over the network: KServe v2 / Open Inference Protocol');
    expect(text).toContain(`Endpoint: ${server.url.replace(/\/+$/, '')} (host ${url.host}).`);
    expect(text).toContain(`environment variable ${keyVariable}`);
    expect(text).toContain('model: served model "classifier", version 1');
    const identity = getStoredModel(backend.db, modelId).remote!.components['model']!.identity;
    expect(text).toContain(`Identity at import: ${identity}`);
    expect(text).toContain(`Query budget: at most ${queryBudget.toLocaleString('en-US')} requests`);
    // The request counts are the run log's own note, quoted whole, not numbers the report made up.
    const note = readRunLog(backend.db, runId).find((line) => line.message.startsWith('Remote models:'));
    expect(note?.message).toMatch(/answered from the workspace's response cache/);
    expect(text).toContain(`From the run log: ${folded(note!.message)}`);
    expect(text).toContain('describe the model as its server served it at the time of the audit');
    // The environment appendix names the server that computed the target's outputs (the table wraps the row's label).
    expect(text).toMatch(/Remote server \(Served http:\/\/127\.0\.0\.1:\d+ — KServe v2/);

    expect(exported.files.map((file) => path.basename(file.path))).toEqual(['report.pdf', 'scores.csv', 'scores.metrics.csv']);
    expect(text).not.toContain(token);
    for (const file of exported.files) expect(fs.readFileSync(file.path).includes(token), file.path).toBe(false);
  });

  it('says nothing of a network endpoint in the report of a local model', async () => {
    const localId = (await call('models.import', { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') })).id;
    const datasetId = (await call('runs.get', { runId })).datasetId;
    const local = await call('runs.start', { attack: 'loss', targetModelId: localId, datasetId, seed: 1, params: {} });
    await backend.idle();
    const pdf = path.join(dir, 'local.pdf');
    await exportRuns(backend.db, { runIds: [local.id], pdf });
    const text = pdfText(pdf);
    expect(text).not.toContain('Served over the network');
    expect(text).not.toContain('Remote targets.');
    expect(text).not.toContain('Query budget');
  }, 120_000);
});
