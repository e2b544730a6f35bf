// ONNX Runtime's execution provider end to end, with the real onnxruntime-node (which has no CUDA libraries here):
// a normal run records cpu; cuda is refused at Start (and by the engine host itself) naming what is missing; cuda
// with the CPU fallback allowed finishes on the CPU and says so; the provider reaches `mia audit --json` and the PDF.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import { createEngineClient } from '../../src-main/host/engine-client';
import { forkHostSpawner } from '../../src-main/host/fork-host';
import { createBackend, type Backend } from '../../src-main/services/backend';
import { buildAuditReport } from '../../src-main/services/reports/report-model';
import { writePdfReport } from '../../src-main/services/reports/pdf-report';
import { runHeadline } from '../../src-main/services/run-headline';
import { getRunProvenance, readRunLog } from '../../src-main/workspace/runs-repo';
import { setSetting, settingKeys } from '../../src-main/workspace/settings-repo';
import { classifierKit } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-execution-provider-');
const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;
let backend: Backend;
let datasetId: number;
let targetModelId: number;

async function dispatch<T>(channel: string, request: unknown): Promise<T> {
  const answer = await backend.router.dispatch(channel, request);
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.data as T;
}

const runCount = (): number => (backend.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n;
const lossRun = { attack: 'loss', seed: 1 };

async function finishedRun(): Promise<RunSummary> {
  const { id } = await dispatch<RunSummary>('runs.start', { ...lossRun, targetModelId, datasetId });
  await backend.idle();
  return dispatch<RunSummary>('runs.get', { runId: id });
}

beforeAll(async () => {
  backend = createBackend({ workspaceFile: path.join(dir, 'workspace.sqlite'), spawnHost: forkHostSpawner() });
  datasetId = (
    await dispatch<{ dataset: { id: number } }>('datasets.import', { kind: 'manifest-csv', path: path.join(classifierKit, 'manifest.csv') })
  ).dataset.id;
  targetModelId = (
    await dispatch<{ id: number }>('models.import', { kind: 'classifier', modelPath: path.join(classifierKit, 'target.onnx') })
  ).id;
}, 180_000);

afterEach(() => {
  delete process.env.MIA_ENGINE_PROVIDER;
  setSetting(backend.db, settingKeys.executionProvider, null);
});

afterAll(async () => {
  await backend?.idle();
  backend?.close();
});

describe('execution provider of a run', () => {
  it('records cpu for a normal run, in its provenance, its headline and the PDF appendix', async () => {
    const run = await finishedRun();
    expect(run).toMatchObject({ status: 'finished', error: null });
    expect(getRunProvenance(backend.db, run.id).executionProvider).toBe('cpu');
    // What `mia audit --json` prints for the run.
    expect(runHeadline(backend.db, run).execution_provider).toBe('cpu');
    if (!hasPoppler) return;
    const pdf = path.join(dir, 'report.pdf');
    await writePdfReport(buildAuditReport(backend.db, [run.id]), pdf);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toMatch(/Execution provider\s+cpu\n/);
  }, 120_000);

  it('refuses cuda at Start with engine.provider-unavailable naming the libraries, and starts no run', async () => {
    process.env.MIA_ENGINE_PROVIDER = 'cuda';
    const before = runCount();
    const answer = await backend.router.dispatch('runs.start', { ...lossRun, targetModelId, datasetId });
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('engine.provider-unavailable');
    expect(answer.error.message).toContain('The cuda execution provider is unavailable');
    expect(answer.error.message).toContain('libonnxruntime_providers_cuda.so');
    expect(runCount()).toBe(before);
  }, 60_000);

  it('refuses a bad workspace setting at Start, naming the setting and its value', async () => {
    setSetting(backend.db, settingKeys.executionProvider, 'gpu');
    const answer = await backend.router.dispatch('runs.start', { ...lossRun, targetModelId, datasetId });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'engine.bad-provider', message: expect.stringContaining('engine.execution-provider is "gpu"') },
    });
  }, 60_000);

  it('runs on the CPU when cuda is unavailable and the fallback is allowed, and says so in the run log', async () => {
    setSetting(backend.db, settingKeys.executionProvider, 'cuda,cpu');
    const run = await finishedRun();
    expect(run).toMatchObject({ status: 'finished', error: null });
    expect(getRunProvenance(backend.db, run.id).executionProvider).toBe('cpu');
    const log = readRunLog(backend.db, run.id).map((entry) => entry.message);
    expect(log.some((message) => message.includes('The cuda execution provider was asked for but is unavailable'))).toBe(true);
  }, 120_000);
});

describe('execution provider of `mia audit`', () => {
  const config = path.join(dir, 'loss.yaml');
  const mia = (provider: string) =>
    spawnSync(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'mia.js'),
        'audit',
        '--config',
        config,
        '--workspace',
        path.join(dir, `cli-${provider}.sqlite`),
        '--json',
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, MIA_WORKSPACE: '', MIA_ENGINE_PROVIDER: provider },
      },
    );

  beforeAll(() => {
    const kit = (file: string) => JSON.stringify(path.join(classifierKit, file));
    fs.writeFileSync(
      config,
      `dataset:\n  kind: manifest-csv\n  path: ${kit('manifest.csv')}\ntarget:\n  kind: classifier\n  model: ${kit('target.onnx')}\nruns:\n  - attack: loss\n    seed: 1\n`,
    );
  });

  it('prints the provider in --json for MIA_ENGINE_PROVIDER=cpu', () => {
    const result = mia('cpu');
    expect(result.status, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as { runs: { execution_provider?: string }[] };
    expect(printed.runs.map((run) => run.execution_provider)).toEqual(['cpu']);
  }, 120_000);

  it('fails for MIA_ENGINE_PROVIDER=cuda with engine.provider-unavailable, and for a bad value naming the variable', () => {
    const cuda = mia('cuda');
    expect(cuda.status).not.toBe(0);
    expect(cuda.stderr).toContain('The cuda execution provider is unavailable');
    const bad = mia('gpu');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('$MIA_ENGINE_PROVIDER is "gpu"');
  }, 120_000);
});

describe('execution provider in the engine host', () => {
  const engine = createEngineClient(forkHostSpawner());
  afterAll(() => engine.dispose());

  it('refuses a task asking for cuda before any work, with engine.provider-unavailable', async () => {
    const target = { id: 1, name: 'target', kind: 'classifier' as const, files: {}, config: {}, sha256: 'x', trainedOn: null };
    const task = {
      kind: 'attack' as const,
      runId: 1,
      attack: 'loss',
      params: {},
      seed: 1,
      target,
      records: [],
      references: [],
      shadows: [],
      nullModel: null,
      executionProvider: { provider: 'cuda' as const, fallbackToCpu: false },
    };
    await expect(engine.run(task).done).rejects.toMatchObject({ code: 'engine.provider-unavailable' });
  }, 60_000);
});
