// Interrupted runs in a real browser against the headless host: two runs of the host's workspace are interrupted
// for real (a second front door on the same workspace starts them and its engine host is killed mid-run), then the
// Runs view explains them, discards one only on the second click, and resumes the other to the end under its own id.
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import type { RunSummary } from '../../src-shared/contract/contract';
import type { Backend } from '../../src-main/services/backend';
import { expect, test } from './headless-host-fixture';
import { withTinyKitWorkspace } from './tiny-kit-workspace';
import { readWorkspace, storedMetrics } from './workspace-reader';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function storedStatus(backend: Backend, runId: number): string | undefined {
  return (backend.db.prepare('SELECT status FROM runs WHERE id = ?').get(runId) as { status: string } | undefined)?.status;
}

/** Starts a loss run and kills the engine host once the run reports progress; tried again if the run won the race. */
async function interruptedRun(backend: Backend, request: { targetModelId: number; datasetId: number; seed: number }): Promise<number> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const progressed = new Set<number>();
    const stop = backend.bus.subscribe(
      (event, payload) => event === 'runs.progress' && progressed.add((payload as { runId: number }).runId),
    );
    try {
      const started = await backend.router.dispatch('runs.start', { attack: 'loss', ...request });
      if (!started.ok) throw new Error(`${started.error.code}: ${started.error.message}`);
      const runId = (started.data as RunSummary).id;
      while (!progressed.has(runId) && storedStatus(backend, runId) === 'running') await sleep(2);
      const pid = backend.engine.hostPid();
      if (pid !== undefined) {
        process.kill(pid, 'SIGKILL');
        while (backend.engine.hostPid() === pid) await sleep(5);
      }
      await backend.idle();
      if (storedStatus(backend, runId) === 'interrupted') return runId;
    } finally {
      stop();
    }
  }
  throw new Error('five runs in a row finished before the engine host was killed');
}

/** Imports the tiny kit into the host's workspace and leaves two interrupted loss runs there. */
async function prepareInterruptedRuns(workspaceFile: string, kitDir: string): Promise<{ model: string; runs: [number, number] }> {
  return withTinyKitWorkspace(workspaceFile, kitDir, 240, async (backend, inputs, kit) => ({
    model: kit.model,
    runs: [await interruptedRun(backend, { ...inputs, seed: 7 }), await interruptedRun(backend, { ...inputs, seed: 8 })],
  }));
}

test('explains an interrupted run, discards one only on the second click, and resumes another to the end', async ({
  page,
  host,
}, testInfo) => {
  const kitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-interrupted-'));
  try {
    const {
      model,
      runs: [toResume, toDiscard],
    } = await prepareInterruptedRuns(host.workspaceFile, kitDir);
    await page.goto(host.url);
    await page.getByTestId('nav-runs').click();
    await expect(page.getByTestId('runs-view')).toBeVisible();
    const rows = page.getByTestId('runs-table').locator('tbody tr');
    await expect(rows).toHaveCount(2);
    await expect(page.getByRole('alert')).toHaveCount(0);
    for (const runId of [toResume, toDiscard]) {
      await expect(page.getByTestId(`run-status-${runId}`)).toHaveText('interrupted');
      await expect(page.getByTestId(`run-interrupted-${runId}`)).toContainText('Stopped before it finished');
      await expect(page.getByTestId(`run-interrupted-${runId}`)).toContainText('its engine process or the app ended');
      await expect(page.getByTestId(`run-resume-${runId}`)).toBeVisible();
    }
    await page.screenshot({ path: testInfo.outputPath('interrupted-runs.png') });

    // Discard: the first click only asks; "Keep" backs out; the second click on "Really discard?" deletes.
    await page.getByTestId(`run-discard-${toDiscard}`).click();
    await expect(page.getByTestId(`run-discard-confirm-${toDiscard}`)).toHaveText('Really discard?');
    await page.getByTestId(`run-discard-keep-${toDiscard}`).click();
    await expect(page.getByTestId(`run-discard-confirm-${toDiscard}`)).toHaveCount(0);
    expect(readWorkspace(host.workspaceFile, (db) => db.prepare('SELECT COUNT(*) AS n FROM runs WHERE id = ?').get(toDiscard))).toEqual({
      n: 1,
    });
    await page.getByTestId(`run-discard-${toDiscard}`).click();
    await page.getByTestId(`run-discard-confirm-${toDiscard}`).click();
    await expect(page.getByTestId(`run-row-${toDiscard}`)).toHaveCount(0);
    await expect(rows).toHaveCount(1);
    // The details panel showed the discarded run (the newest); it moves on to the run that is left.
    await expect(page.getByTestId('run-details')).toContainText(`Run #${toResume}`);
    expect(readWorkspace(host.workspaceFile, (db) => db.prepare('SELECT COUNT(*) AS n FROM runs WHERE id = ?').get(toDiscard))).toEqual({
      n: 0,
    });

    // A resume the backend refuses (the model file changed since the run started) shows its reason; the run stays.
    const original = fs.readFileSync(model);
    fs.appendFileSync(model, Buffer.from([0]));
    await page.getByTestId(`run-resume-${toResume}`).click();
    await expect(page.getByRole('alert')).toContainText('tiny.onnx');
    await expect(page.getByRole('alert')).toContainText('[model.file-changed]');
    await expect(page.getByTestId(`run-status-${toResume}`)).toHaveText('interrupted');
    fs.writeFileSync(model, original);

    // Resume: the same run, under the same id, runs again and finishes with metrics.
    await page.getByTestId(`run-resume-${toResume}`).click();
    await expect(page.getByTestId(`run-status-${toResume}`)).toHaveText('finished', { timeout: 60_000 });
    await expect(rows).toHaveCount(1);
    await expect(page.getByTestId(`run-resume-${toResume}`)).toHaveCount(0);
    await expect(page.getByTestId('details-status')).toHaveText('finished');
    await expect(page.getByTestId('run-log')).toContainText('Resumed after an interruption');
    await expect(page.getByTestId('details-metrics')).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(storedMetrics(host.workspaceFile, toResume).some((m) => m.name === 'auc' && m.slice === '' && m.value !== null)).toBe(true);
    await page.screenshot({ path: testInfo.outputPath('resumed-run.png') });
  } finally {
    fs.rmSync(kitDir, { recursive: true, force: true });
  }
});
