// Image-variation targets (the seed paper's DALL-E 2 setting) against `mia serve`'s `POST /v1/images/variations`,
// started in process from resources/demo/remote/serve.yaml: the endpoint imported as a diffusion target, the estimate
// before Start (one request per record), a ReDiffuse run that scores every record, the same run again answered
// entirely from the workspace's response cache (counted from the server's own request log), SecMI refused before
// Start, `mia audit` on an audit config whose target is `remote: { protocol: image-variation, … }`, and a server that
// answers malformed variations failing the run with remote.bad-response.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import { forkHostSpawner } from '../../src-main/host/fork-host';
import { createBackend, type Backend } from '../../src-main/services/backend';
import { startModelServer, type ModelServer } from '../../src-main/services/model-server/model-server';
import { readServeConfig } from '../../src-main/services/model-server/serve-config';
import { readScores } from '../../src-main/workspace/runs-repo';
import { contractCalls } from '../helpers/contract-calls';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-remote-variations-');
const kit = path.join(repoRoot, 'resources', 'demo', 'latent-diffusion');
const token = 'remote-variations-test-token';
const keyVariable = 'MIA_REMOTE_VARIATIONS_TEST_KEY';
const recordCount = 12;
/** ReDiffuse as the paper ran it on DALL-E 2, scaled to the demo: n = 2 variations at the demo's 28×28. */
const rediffuseParams = { repeats: 2, variationSize: 28, distance: 'l2' };
const serverLog: string[] = [];
let server: ModelServer;
let backend: Backend;
let call: ReturnType<typeof contractCalls>['call'];
let refusal: ReturnType<typeof contractCalls>['refusal'];
let datasetId: number;
let targetId: number;

/** Variation requests the server answered, from its own log: what the workbench sent, cache hits excluded. */
const variationRequests = (): number => serverLog.filter((line) => /^POST \/v1\/images\/variations 200 /.test(line)).length;

/** The first audit records of the latent demo, members and non-members, images copied beside the manifest. */
function writeManifest(): string {
  const folder = path.join(dir, 'records');
  fs.mkdirSync(path.join(folder, 'images'), { recursive: true });
  const [header, ...rows] = fs.readFileSync(path.join(kit, 'manifest.csv'), 'utf8').trim().split('\n');
  const members = rows.filter((row) => row.endsWith(',1,audit')).slice(0, recordCount / 2);
  const others = rows.filter((row) => row.endsWith(',0,audit')).slice(0, recordCount / 2);
  const kept = [...members, ...others];
  for (const row of kept) {
    const image = row.split(',')[1] as string;
    fs.copyFileSync(path.join(kit, image), path.join(folder, image));
  }
  const manifest = path.join(folder, 'manifest.csv');
  fs.writeFileSync(manifest, `${[header, ...kept].join('\n')}\n`);
  return manifest;
}

async function runToEnd(request: Record<string, unknown>): Promise<RunSummary> {
  const started = await call('runs.start', { seed: 1, params: {}, datasetId, ...request } as never);
  await backend.idle();
  return call('runs.get', { runId: started.id });
}

function runCli(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  // Asynchronous: the server answering the CLI runs in this process.
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), ...args], { env: { ...process.env, MIA_WORKSPACE: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function scoresOf(runId: number): number[] {
  return Array.from(readScores(backend.db, runId).scores);
}

beforeAll(async () => {
  process.env[keyVariable] = token;
  // Only the variation endpoint is needed here; the KServe models are remote-targets.test.ts's business.
  const config = { ...readServeConfig(path.join(repoRoot, 'resources', 'demo', 'remote', 'serve.yaml')), models: [] };
  server = await startModelServer(config, { port: 0, token, log: (line) => serverLog.push(line) });
  backend = createBackend({ workspaceFile: path.join(dir, 'workspace.sqlite'), spawnHost: forkHostSpawner() });
  ({ call, refusal } = contractCalls(backend));
  datasetId = (await call('datasets.import', { kind: 'manifest-csv', path: writeManifest(), name: 'latent demo records' })).dataset.id;
}, 120_000);

afterAll(async () => {
  backend?.close();
  await server?.close();
  delete process.env[keyVariable];
});

describe('image-variation targets', () => {
  it('imports the variation endpoint as a diffusion target without sending a request, storing no key', async () => {
    const imported = await call('models.importRemote', {
      kind: 'diffusion',
      protocol: 'image-variation',
      name: 'Variation API',
      endpoint: { url: server.url, apiKeyEnv: keyVariable },
      components: { variations: { model: 'latent-diffusion' } },
    });
    targetId = imported.id;
    expect(imported).toMatchObject({ kind: 'diffusion', role: 'target', name: 'Variation API' });
    expect(serverLog).toEqual([]);
    const row = backend.db.prepare('SELECT remote FROM models WHERE id = ?').get(targetId) as { remote: string };
    expect(JSON.parse(row.remote)).toMatchObject({
      protocol: 'image-variation',
      components: { variations: { model: 'latent-diffusion' } },
    });
    backend.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.readFileSync(path.join(dir, 'workspace.sqlite')).includes(token)).toBe(false);
  });

  it('estimates one request per record before Start', async () => {
    const estimate = await call('runs.estimate', {
      attack: 'rediffuse',
      targetModelId: targetId,
      datasetId,
      seed: 1,
      params: rediffuseParams,
    });
    expect(estimate.components).toEqual({ image_variation: recordCount });
    expect(estimate.remoteRequests).toBe(recordCount);
  });

  it('runs ReDiffuse through the variations, scoring every record with one request each', async () => {
    const run = await runToEnd({ attack: 'rediffuse', targetModelId: targetId, params: rediffuseParams });
    expect(run.status, JSON.stringify(run.error)).toBe('finished');
    const scores = scoresOf(run.id);
    expect(scores).toHaveLength(recordCount);
    expect(scores.every(Number.isFinite)).toBe(true);
    // Different images come back at different distances: the scores are not one constant.
    expect(new Set(scores).size).toBeGreaterThan(1);
    expect(variationRequests()).toBe(recordCount);
  }, 180_000);

  it('runs the same ReDiffuse again from the response cache, sending no request and scoring the same', async () => {
    const first = (await call('runs.list')).find((run) => run.attack === 'rediffuse' && run.status === 'finished')!;
    const before = variationRequests();
    const again = await runToEnd({ attack: 'rediffuse', targetModelId: targetId, params: rediffuseParams });
    expect(again.status, JSON.stringify(again.error)).toBe('finished');
    expect(variationRequests()).toBe(before);
    expect(scoresOf(again.id)).toEqual(scoresOf(first.id));
  }, 180_000);

  it.each(['secmi', 'pia', 'diffusion-loss'])('refuses %s on the variation target before Start, creating no run', async (attack) => {
    const runsBefore = (await call('runs.list')).length;
    const sent = serverLog.length;
    expect(await refusal('runs.start', { attack, targetModelId: targetId, datasetId, seed: 1, params: {} })).toBe('run.target-access');
    expect((await call('runs.list')).length).toBe(runsBefore);
    expect(serverLog.length).toBe(sent);
  });

  it('audits the variation target from an audit config with mia audit, paying nothing for requests already cached', async () => {
    const config = path.join(dir, 'variation-audit.yaml');
    fs.writeFileSync(
      config,
      [
        'dataset:',
        `  path: ${JSON.stringify(path.join(dir, 'records', 'manifest.csv'))}`,
        'target:',
        '  kind: diffusion',
        '  name: Variation API',
        `  remote: { protocol: image-variation, url: ${JSON.stringify(server.url)}, model: latent-diffusion, apiKeyEnv: ${keyVariable} }`,
        'runs:',
        `  - { attack: rediffuse, seed: 1, params: ${JSON.stringify(rediffuseParams)}, queryBudget: ${recordCount} }`,
        '',
      ].join('\n'),
    );
    const before = variationRequests();
    // A workspace beside the first one shares its response cache (remote-cache/ in the same folder).
    const result = await runCli(['audit', '--config', config, '--workspace', path.join(dir, 'cli.sqlite'), '--json']);
    expect(result.status, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as { runs: { attack: string; metrics: { auc: number } }[] };
    expect(printed.runs.map((run) => run.attack)).toEqual(['rediffuse']);
    expect(Number.isFinite(printed.runs[0]?.metrics.auc)).toBe(true);
    expect(variationRequests()).toBe(before);
  }, 300_000);
});

describe('a variation API that answers malformed variations', () => {
  let broken: http.Server;
  let mode: 'wrong-count' | 'not-png' = 'wrong-count';

  beforeAll(async () => {
    const jpeg = await sharp({ create: { width: 28, height: 28, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    const png = await sharp({ create: { width: 28, height: 28, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    broken = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const images = mode === 'wrong-count' ? [png] : [jpeg, jpeg];
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ created: 1, data: images.map((image) => ({ b64_json: image.toString('base64') })) }));
      });
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => broken.close(() => resolve())));

  it.each([
    ['wrong-count', /holds 1 images; 2 were asked for/],
    ['not-png', /data\[0\]\.b64_json is not a PNG/],
  ] as const)(
    'fails the run with remote.bad-response (%s), naming what was wrong',
    async (answer, message) => {
      mode = answer;
      const url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
      const model = await call('models.importRemote', {
        kind: 'diffusion',
        protocol: 'image-variation',
        name: `Broken API (${answer})`,
        endpoint: { url },
        components: { variations: { model: `broken-${answer}` } },
      });
      const run = await runToEnd({ attack: 'rediffuse', targetModelId: model.id, params: rediffuseParams });
      expect(run.status).toBe('failed');
      expect(run.error?.code).toBe('remote.bad-response');
      expect(run.error?.message).toMatch(message);
      expect(readScores(backend.db, run.id).scores).toHaveLength(0);
    },
    60_000,
  );
});
