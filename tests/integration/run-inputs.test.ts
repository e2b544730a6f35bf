// One resolver for a run's inputs, and scores sent once. A run, its re-run and the same run resumed are computed on
// the same resolved inputs (same pins, same scores bit for bit); a resume is refused when its records or models no
// longer hash to its pins, or a model file changed; and a run's scores reach the workspace only with its finished
// result — the engine host sends them once, in the result message.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import type { SpawnHost } from '../../src-main/host/protocol';
import { createBackend, type Backend } from '../../src-main/services/backend';
import { writeTinyKit, type TinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { scoresByKey } from '../fixtures/bad/workspace-dump';
import { tappedSpawner } from '../helpers/tapped-spawner';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-run-inputs-');
let backend: Backend;
let kit: TinyKit;
let datasetId: number;
let targetId: number;

/** What the service process received from the engine host, with the number of score rows in the workspace at that moment. */
const received: { type: string; typedArrays: number; scoreRowsThen: number }[] = [];

const scoreRows = (): number => (backend.db.prepare('SELECT COUNT(*) AS n FROM scores').get() as { n: number }).n;

/** The real engine host; each message it sends is noted before the service handles it. */
function recordingSpawner(): SpawnHost {
  return tappedSpawner((message, deliver) => {
    const { type, ...rest } = message as { type: string };
    const typedArrays =
      JSON.stringify(rest, (_key, value: unknown) => (ArrayBuffer.isView(value) ? '<typed array>' : value)).split('<typed array>').length -
      1;
    received.push({ type, typedArrays, scoreRowsThen: scoreRows() });
    deliver(message);
  });
}

async function dispatch<T>(channel: string, request: unknown): Promise<T> {
  const answer = await backend.router.dispatch(channel, request);
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.data as T;
}

async function finishedRun(attack: string, seed: number): Promise<number> {
  const { id } = await dispatch<RunSummary>('runs.start', { attack, targetModelId: targetId, datasetId, seed });
  await backend.idle();
  expect(await dispatch<RunSummary>('runs.get', { runId: id })).toMatchObject({ status: 'finished' });
  return id;
}

const pins = (runId: number) => backend.db.prepare('SELECT model_hash, data_hash FROM runs WHERE id = ?').get(runId);
/** Stands in for a run whose engine died (what orphan recovery writes when the workspace is next opened). */
const markInterrupted = (runId: number) => backend.db.prepare("UPDATE runs SET status = 'interrupted' WHERE id = ?").run(runId);

beforeAll(async () => {
  backend = createBackend({ workspaceFile: path.join(dir, 'workspace.sqlite'), spawnHost: recordingSpawner() });
  kit = await writeTinyKit(path.join(dir, 'kit'), 60);
  datasetId = (await dispatch<{ dataset: { id: number } }>('datasets.import', { kind: 'manifest-csv', path: kit.manifest })).dataset.id;
  targetId = (await dispatch<{ id: number }>('models.import', { kind: 'classifier', modelPath: kit.model })).id;
}, 120_000);

afterAll(async () => {
  await backend?.idle();
  backend?.close();
});

describe("a run's scores travel once", () => {
  it('reach the workspace only with the finished result, in the one host message that carries them', async () => {
    received.length = 0;
    const before = scoreRows();
    const runId = await finishedRun('loss', 3);
    const carrying = received.filter((message) => message.typedArrays > 0);
    expect(carrying).toEqual([{ type: 'result', typedArrays: 2, scoreRowsThen: before }]);
    for (const message of received) expect(['ready', 'progress', 'log', 'result']).toContain(message.type);
    expect(Object.keys(scoresByKey(backend.db, runId))).toHaveLength(kit.rows.length);
  }, 60_000);
});

describe('start, re-run and resume resolve the same inputs', () => {
  it('pins a re-run to the same hashes, and a re-run and a resume to the same scores bit for bit', async () => {
    const original = await finishedRun('confidence', 5);
    const scores = scoresByKey(backend.db, original);
    const rerun = await dispatch<RunSummary>('runs.rerun', { runId: original });
    await backend.idle();
    expect(pins(rerun.id)).toEqual(pins(original));
    expect(scoresByKey(backend.db, rerun.id)).toEqual(scores);

    markInterrupted(original);
    await dispatch<RunSummary>('runs.resume', { runId: original });
    await backend.idle();
    expect(await dispatch<RunSummary>('runs.get', { runId: original })).toMatchObject({ status: 'finished' });
    expect(scoresByKey(backend.db, original)).toEqual(scores);
  }, 120_000);

  it('refuses to resume a run whose records, models or model files changed since it started', async () => {
    const runId = await finishedRun('loss', 6);
    markInterrupted(runId);
    const resume = () => backend.router.dispatch('runs.resume', { runId });

    const record = backend.db.prepare('SELECT id, label FROM records WHERE dataset_id = ? ORDER BY id LIMIT 1').get(datasetId) as {
      id: number;
      label: number;
    };
    backend.db.prepare('UPDATE records SET label = ? WHERE id = ?').run(record.label + 1, record.id);
    expect(await resume()).toMatchObject({ ok: false, error: { code: 'run.inputs-changed', details: { what: 'records' } } });
    backend.db.prepare('UPDATE records SET label = ? WHERE id = ?').run(record.label, record.id);

    const model = backend.db.prepare('SELECT sha256 FROM models WHERE id = ?').get(targetId) as { sha256: string };
    backend.db.prepare('UPDATE models SET sha256 = ? WHERE id = ?').run('0'.repeat(64), targetId);
    expect(await resume()).toMatchObject({ ok: false, error: { code: 'run.inputs-changed', details: { what: 'models' } } });
    backend.db.prepare('UPDATE models SET sha256 = ? WHERE id = ?').run(model.sha256, targetId);

    const bytes = fs.readFileSync(kit.model);
    fs.writeFileSync(kit.model, Buffer.concat([bytes, Buffer.from([0])]));
    try {
      expect(await resume()).toMatchObject({ ok: false, error: { code: 'model.file-changed' } });
    } finally {
      fs.writeFileSync(kit.model, bytes);
    }
    // Every refusal left the run as it was; with its inputs restored it resumes.
    expect(await dispatch<RunSummary>('runs.get', { runId })).toMatchObject({ status: 'interrupted' });
    await dispatch<RunSummary>('runs.resume', { runId });
    await backend.idle();
    expect(await dispatch<RunSummary>('runs.get', { runId })).toMatchObject({ status: 'finished' });
  }, 120_000);
});
