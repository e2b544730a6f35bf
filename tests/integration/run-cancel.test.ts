// Cancel always cancels: a cancel that was acknowledged ends in `cancelled` whatever moment it arrives at (even
// while the engine computes the last check), a cancel that comes too late is refused and says why, and a run that
// another process owns (a `mia audit` on the same workspace) is cancelled through the workspace.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import { SeededRandom } from '../../src-main/engine/random/seeded-random';
import type { Backend } from '../../src-main/services/backend';
import { getRun, readRunLog } from '../../src-main/workspace/runs-repo';
import { importTinyKit, writeTinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { classifierKit } from '../helpers/demo-kit';
import { createTestBackend } from '../helpers/in-process-bridge';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-cancel-');
const cliEntry = path.join(repoRoot, 'bin', 'mia.js');
const hasBuild =
  fs.existsSync(path.join(repoRoot, 'out', 'main', 'cli.js')) && fs.existsSync(path.join(repoRoot, 'out', 'main', 'engine-host.js'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seededTrials = 10;

let backend: Backend;
let datasetId: number;
let targetId: number;
let runMs: number;

async function startRun(seed: number): Promise<number> {
  const started = await backend.router.dispatch('runs.start', { attack: 'confidence', targetModelId: targetId, datasetId, seed });
  if (!started.ok) throw new Error(`${started.error.code}: ${started.error.message}`);
  return (started.data as RunSummary).id;
}

beforeAll(async () => {
  const kit = await writeTinyKit(path.join(dir, 'kit'), 48);
  backend = createTestBackend(dir).backend;
  ({ datasetId, targetId } = await importTinyKit(backend, kit));
  await startRun(1); // warms the engine host up
  await backend.idle();
  const from = performance.now();
  await startRun(1);
  await backend.idle();
  runMs = performance.now() - from;
}, 120_000);

afterAll(async () => {
  await backend?.idle();
  backend?.close();
});

describe('a cancel in this process', () => {
  it('ends in cancelled when it arrives while the engine computes the last validity check', async () => {
    let cancel: Promise<{ ok: boolean }> | null = null;
    const stop = backend.bus.subscribe((event, payload) => {
      const progress = payload as { runId: number; phase: string };
      // The blind baseline is the run's last phase: after it, the engine sends its result.
      if (event === 'runs.progress' && progress.phase === 'blind baseline' && cancel === null)
        cancel = backend.router.dispatch('runs.cancel', { runId: progress.runId });
    });
    try {
      const runId = await startRun(2);
      await backend.idle();
      expect(cancel, 'the run reached its last phase').not.toBeNull();
      expect((await cancel!).ok, 'the cancel was acknowledged').toBe(true);
      expect(getRun(backend.db, runId)).toMatchObject({ status: 'cancelled', error: { code: 'job.cancelled' } });
      expect(backend.db.prepare('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?').get(runId)).toEqual({ n: 0 });
    } finally {
      stop();
    }
  });

  it(`ends in cancelled whenever it was acknowledged, and is refused once the run finished (${seededTrials} seeded moments)`, async () => {
    const outcomes = { cancelled: 0, refused: 0 };
    for (let trial = 0; trial < seededTrials; trial += 1) {
      const delayMs = Math.floor(new SeededRandom(`cancel-moment-${trial}`).next() * runMs * 0.7);
      const runId = await startRun(10 + trial);
      await sleep(delayMs);
      const reply = await backend.router.dispatch('runs.cancel', { runId });
      await backend.idle();
      const run = getRun(backend.db, runId);
      const what = `trial ${trial}: cancel ${delayMs} ms after the start`;
      if (reply.ok) {
        outcomes.cancelled += 1;
        expect(run.status, what).toBe('cancelled');
      } else {
        outcomes.refused += 1;
        expect(reply.error, what).toMatchObject({ code: 'run.not-running', message: expect.stringMatching(/is finished/) });
        expect(run.status, what).toBe('finished');
      }
    }
    console.info(
      `seeded cancels on a ${Math.round(runMs)} ms run: ${outcomes.cancelled} acknowledged (all cancelled), ${outcomes.refused} refused after finishing`,
    );
    expect(outcomes.cancelled).toBeGreaterThan(0);
  });

  it('refuses to cancel a run whose owner died, saying it is interrupted, and the run can then be discarded', async () => {
    const runId = await startRun(3);
    await backend.idle();
    // Stand-in for a run left by a process that died: back to running under a pid that cannot exist.
    backend.db.prepare("UPDATE runs SET status = 'interrupted' WHERE id = ?").run(runId);
    backend.db.prepare('DELETE FROM metrics WHERE run_id = ?').run(runId);
    backend.db.prepare("UPDATE runs SET status = 'running', owner_pid = 2147483646, owner_started = NULL WHERE id = ?").run(runId);
    const reply = await backend.router.dispatch('runs.cancel', { runId });
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'run.not-running', message: expect.stringMatching(/is interrupted.*resume or discard/) },
    });
    expect((await backend.router.dispatch('runs.discard', { runId })).ok).toBe(true);
  });
});

describe.skipIf(!hasBuild)('a cancel of a run that another process owns', () => {
  it('reaches a `mia audit` on the same workspace through the workspace, and its run ends in cancelled', async () => {
    const workspace = path.join(dir, 'shared.sqlite');
    const live = createTestBackend(dir, 'shared.sqlite').backend;
    try {
      const config = path.join(dir, 'lira.yaml');
      const inKit = (file: string) => JSON.stringify(path.join(classifierKit, file));
      fs.writeFileSync(
        config,
        [
          'dataset:',
          `  path: ${inKit('manifest.csv')}`,
          'target:',
          '  kind: classifier',
          `  model: ${inKit('target.onnx')}`,
          'references:',
          `  manifest: ${inKit('reference/manifest.json')}`,
          'runs:',
          '  - attack: lira',
          '    seed: 1',
          '    params: { variant: online }',
          '',
        ].join('\n'),
      );
      const cli = spawn(process.execPath, [cliEntry, 'audit', '--config', config, '--workspace', workspace, '--json'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      cli.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => cli.once('exit', (code) => resolve(code)));
      let runId: number | undefined;
      const from = Date.now();
      while (runId === undefined) {
        if (cli.exitCode !== null || Date.now() - from > 120_000) throw new Error(`mia audit never started its run: ${stderr}`);
        runId = (
          live.db.prepare("SELECT id FROM runs WHERE status = 'running' AND owner_pid = ?").get(cli.pid) as { id: number } | undefined
        )?.id;
        await sleep(25);
      }

      const reply = await live.router.dispatch('runs.cancel', { runId });
      const askedAt = Date.now();
      expect(reply, JSON.stringify(reply)).toMatchObject({ ok: true, data: { id: runId } });
      expect(readRunLog(live.db, runId).map((line) => line.message)).toContainEqual(
        expect.stringContaining(`process ${cli.pid}, which runs this run`),
      );
      const code = await exited;
      const landedMs = Date.now() - askedAt;
      console.info(`cross-process cancel: mia audit ended ${landedMs} ms after the cancel was acknowledged, with exit code ${code}`);
      expect(getRun(live.db, runId)).toMatchObject({ status: 'cancelled', error: { code: 'job.cancelled' } });
      expect(code, 'mia audit reports that not every run finished').toBe(1);
    } finally {
      await live.idle();
      live.close();
    }
  });
});
