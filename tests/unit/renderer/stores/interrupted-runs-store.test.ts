// The runs store resuming and discarding interrupted runs, against a real backend through the in-process bridge.
// Runs are interrupted for real: the engine host is killed with SIGKILL while a run is scoring, as a crash would,
// and the backend marks the run `interrupted`. Inputs are the tiny classifier kit (fast to import and score).
import fs from 'node:fs';
import path from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { watch } from 'vue';
import type { RunProgress, RunSummary } from '../../../../src-shared/contract/contract';
import { useBridge } from '../../../../src-renderer/api';
import { useRunsStore } from '../../../../src-renderer/stores/runs';
import { writeTinyKit, type TinyKit } from '../../../fixtures/bad/tiny-classifier-kit';
import { createTestBackend } from '../../../helpers/in-process-bridge';
import { makeTempDir } from '../../../helpers/temp-dir';

const dir = makeTempDir('mia-interrupted-');
const { backend, bridge } = createTestBackend(dir);
// One Pinia per file: the store keeps its list and progress across the tests below as the Runs view would.
setActivePinia(createPinia());
useBridge(bridge);
beforeEach(() => useBridge(bridge));

let kit: TinyKit;
let datasetId = 0;
let targetId = 0;
/** A loss run (seed 7) that was never interrupted: what a resumed run of the same configuration must score. */
let uninterruptedId = 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function storedScores(runId: number): [number, number][] {
  return backend.db.prepare('SELECT record_id, score FROM scores WHERE run_id = ? ORDER BY record_id').raw().all(runId) as [
    number,
    number,
  ][];
}

function storedStatus(runId: number): string | undefined {
  return (backend.db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: string } | undefined)?.status;
}

/**
 * Starts a loss run through the store and kills the engine host once the run reports progress, so the crash lands
 * mid-run. A run fast enough to finish between its first progress and the kill is simply tried again.
 */
async function interruptedRun(seed: number): Promise<number> {
  const store = useRunsStore();
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const progressed = new Set<number>();
    const stop = backend.bus.subscribe(
      (event, payload) => event === 'runs.progress' && progressed.add((payload as { runId: number }).runId),
    );
    try {
      const run = await store.start({ attack: 'loss', targetModelId: targetId, datasetId, seed });
      if (!run) throw new Error(`the run did not start: ${store.error?.code} ${store.error?.message}`);
      while (!progressed.has(run.id) && storedStatus(run.id) === 'running') await sleep(2);
      const pid = backend.engine.hostPid();
      if (pid !== undefined) {
        process.kill(pid, 'SIGKILL');
        while (backend.engine.hostPid() === pid) await sleep(5);
      }
      await backend.idle();
      if (storedStatus(run.id) === 'interrupted') return run.id;
    } finally {
      stop();
    }
  }
  throw new Error('five runs in a row finished before the engine host was killed');
}

let releaseEvents: () => void = () => undefined;

/** Waits until the store's list (updated by the backend's status events) shows the run in `status`. */
async function untilListed(runId: number, status: RunSummary['status']): Promise<RunSummary> {
  const store = useRunsStore();
  await vi.waitFor(() => expect(store.runs.find((r) => r.id === runId)?.status).toBe(status), { timeout: 30_000, interval: 20 });
  return store.runs.find((r) => r.id === runId)!;
}

beforeAll(async () => {
  kit = await writeTinyKit(path.join(dir, 'kit'), 240);
  const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kit.manifest });
  const model = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: kit.model });
  if (!dataset.ok || !model.ok) throw new Error('the tiny kit did not import');
  datasetId = (dataset.data as { dataset: { id: number } }).dataset.id;
  targetId = (model.data as { id: number }).id;
  const store = useRunsStore();
  releaseEvents = store.listen();
  const run = await store.start({ attack: 'loss', targetModelId: targetId, datasetId, seed: 7 });
  await backend.idle();
  expect(storedStatus(run!.id)).toBe('finished');
  uninterruptedId = run!.id;
}, 120_000);

afterAll(async () => {
  releaseEvents();
  await backend.idle();
  backend.close();
});

describe('runs store: interrupted runs', () => {
  it('resumes an interrupted run under its own id, with live progress, to the scores of an uninterrupted run', async () => {
    const store = useRunsStore();
    const runId = await interruptedRun(7);
    const interrupted = await untilListed(runId, 'interrupted');
    expect(interrupted.error?.code).toBe('engine.crashed');
    const listed = store.runs.length;

    // What the Runs view would show as the run's progress, each time it changes.
    expect(store.progress[runId], 'the interrupted attempt reported progress').toMatchObject({
      runId,
      done: expect.any(Number),
      total: expect.any(Number),
    });
    const shown: (RunProgress | undefined)[] = [];
    const stopWatching = watch(
      () => store.progress[runId],
      (progress) => shown.push(progress),
      { flush: 'sync' },
    );
    const resumed = await store.resume(runId);
    expect(store.error).toBeNull();
    expect(resumed).toMatchObject({ id: runId, status: 'running' });
    await backend.idle();
    await untilListed(runId, 'finished');
    stopWatching();
    expect(store.runs, 'a resume adds no run').toHaveLength(listed);
    // The interrupted attempt's last progress was dropped first, then the resumed attempt's scored every record.
    expect(shown[0]).toBeUndefined();
    const scoring = shown.filter((p) => p !== undefined && p.done === p.total && p.total > 0);
    expect(scoring.length, `progress shown: ${JSON.stringify(shown.slice(-3))}`).toBeGreaterThan(0);

    const scores = storedScores(runId);
    expect(scores.length).toBeGreaterThan(0);
    // toEqual on numbers is Object.is: the resumed run scores bit for bit like the uninterrupted one.
    expect(scores).toEqual(storedScores(uninterruptedId));
    const details = await store.loadDetails(runId);
    expect(details?.metrics.some((m) => m.name === 'auc' && m.slice === '' && m.value !== null)).toBe(true);
    expect(details?.log.map((line) => line.message).join('\n')).toMatch(/Resumed after an interruption/);
  });

  it('discards an interrupted run: it is gone from the list, and its row and partial scores from the workspace', async () => {
    const store = useRunsStore();
    const runId = await interruptedRun(8);
    await untilListed(runId, 'interrupted');
    await store.loadDetails(runId);
    expect(store.details[runId]).toMatchObject({ run: { id: runId, status: 'interrupted' } });

    expect(await store.discard(runId)).toBe(true);
    expect(store.error).toBeNull();
    expect(store.runs.map((r) => r.id)).not.toContain(runId);
    expect(store.details[runId]).toBeUndefined();
    expect(store.progress[runId]).toBeUndefined();
    expect(storedStatus(runId)).toBeUndefined();
    expect(storedScores(runId)).toEqual([]);
    // A second discard finds nothing to delete, and says so.
    expect(await store.discard(runId)).toBe(false);
    expect(store.error?.code).toBe('run.not-found');
  });

  it("refuses to discard or resume a finished run, keeps the backend's reason in the store's error, and leaves the run as it was", async () => {
    const store = useRunsStore();
    const before = storedScores(uninterruptedId);
    expect(await store.discard(uninterruptedId)).toBe(false);
    expect(store.error?.code).toBe('run.not-interrupted');
    expect(store.error?.message).toMatch(new RegExp(`Run ${uninterruptedId} cannot be discarded: it is finished`));

    expect(await store.resume(uninterruptedId)).toBeUndefined();
    expect(store.error?.code).toBe('run.not-interrupted');
    expect(store.error?.message).toMatch(/cannot be resumed: it is finished/);

    await store.refresh();
    expect(store.runs.find((r) => r.id === uninterruptedId)?.status).toBe('finished');
    expect(storedScores(uninterruptedId)).toEqual(before);
  });

  it('refuses to resume a run whose model file changed since it started, naming the file; the run stays interrupted', async () => {
    const store = useRunsStore();
    const runId = await interruptedRun(9);
    await untilListed(runId, 'interrupted');
    const original = fs.readFileSync(kit.model);
    try {
      fs.appendFileSync(kit.model, Buffer.from([0]));
      expect(await store.resume(runId)).toBeUndefined();
      expect(store.error?.code).toBe('model.file-changed');
      expect(store.error?.message).toMatch(/tiny\.onnx/);
    } finally {
      fs.writeFileSync(kit.model, original);
    }
    expect(storedStatus(runId)).toBe('interrupted');
    await store.refresh();
    expect(store.runs.find((r) => r.id === runId)?.status).toBe('interrupted');
    // Background reads (the list after an event, the details panel's polling) leave the refusal on screen.
    await store.loadDetails(runId);
    expect(store.error?.code).toBe('model.file-changed');
    expect(await store.discard(runId)).toBe(true);
    expect(store.error).toBeNull(); // the next action starts clean
  });
});
