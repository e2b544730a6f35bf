// Training through Slurm from the Models view, against the real single-node cluster the integration tests use
// (tools/slurm/start-cluster.sh): reference models submitted from the form with the Slurm backend, followed task by
// task to their import; a second array cancelled mid-way (scancel, its tasks shown cancelled, nothing left queued);
// a third whose task 1 fails on purpose, listed with its log tail and resubmitted alone from the job's view.
// Where the cluster or a Python with PyTorch for its tasks cannot be had, the spec fails saying why; it never skips.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { findPython } from '../../src-main/services/training/python-probe';
import { startHeadlessHostProcess } from '../helpers/headless-host-process';
import { startTestCluster } from '../helpers/slurm-cluster';
import { kitManifest, kitTarget } from './demo-kit-paths';
import { importManifestRecords } from './import-records';

interface SlurmCluster {
  /** Exported to the headless host, whose sbatch and squeue need it. */
  readonly conf: string;
  /** A folder with the `python3` the cluster's tasks run (see below); first on the host's PATH. */
  readonly pythonFolder: string;
  /** While this file exists, array task 1 of any job refuses to train. */
  readonly failFlag: string;
  command(argv: readonly string[]): Promise<string>;
}

interface SlurmWorld {
  readonly url: string;
  readonly trainingRoot: string;
}

/**
 * The page cannot name the cluster's Python (only an audit config can), so tasks run `python3` from the PATH that
 * sbatch passes on from the host. Here that is a wrapper around a Python with PyTorch, which also lets the spec make
 * task 1 fail on purpose, the way a broken node would, without the page setting a preamble.
 */
function writeTaskPython(folder: string, torchPython: string, failFlag: string): void {
  const script = [
    '#!/bin/sh',
    `if [ "$SLURM_ARRAY_TASK_ID" = 1 ] && [ -e '${failFlag}' ]; then echo "task 1 refuses on purpose" >&2; exit 3; fi`,
    `exec '${torchPython}' "$@"`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(folder, 'python3'), script, { mode: 0o755 });
}

const test = base.extend<{ world: SlurmWorld }, { cluster: SlurmCluster }>({
  cluster: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; it has none
    async ({}, use) => {
      const probe = await findPython({ setting: null });
      if (!probe.found || !probe.path) {
        throw new Error(`No Python with PyTorch for the cluster's tasks: ${probe.tried.map((t) => `${t.path}: ${t.problem}`).join('; ')}`);
      }
      const cluster = await startTestCluster(); // rejects with the start script's reason
      const pythonFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-slurm-python-'));
      const failFlag = path.join(pythonFolder, 'fail-task-1');
      writeTaskPython(pythonFolder, probe.path, failFlag);
      try {
        await use({ conf: cluster.conf, pythonFolder, failFlag, command: (argv) => cluster.command(argv) });
      } finally {
        await cluster.stop();
        fs.rmSync(pythonFolder, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  world: [
    async ({ cluster }, use) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-slurm-'));
      const workspaceFile = path.join(dir, 'workspace.sqlite');
      await importManifestRecords(workspaceFile, kitManifest, 'demo classifier');
      const host = await startHeadlessHostProcess(workspaceFile, {
        ...process.env,
        MIA_CONFIG_DIR: path.join(dir, 'config'),
        SLURM_CONF: cluster.conf,
        PATH: `${cluster.pythonFolder}${path.delimiter}${process.env.PATH ?? ''}`,
      });
      try {
        await use({ url: host.url, trainingRoot: path.join(dir, 'training') });
      } finally {
        await host.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    { scope: 'test' },
  ],
});

/** Fills the training form for reference models on the Slurm backend; the caller then presses Train and import. */
async function fillSlurmForm(page: Page, options: { count: number; folder: string; name: string; epochs: number; arrayLimit?: number }) {
  await page.getByTestId('training-purpose-reference').check();
  await page.getByTestId('training-count').fill(String(options.count));
  await page.getByTestId('training-folder-name').fill(options.folder);
  await page.getByTestId('training-epochs').fill(String(options.epochs));
  await page.getByTestId('training-name').fill(options.name);
  await page.getByTestId('training-backend-slurm').check();
  await page.getByTestId('slurm-time').fill('10:00');
  await page.getByTestId('slurm-cpusPerTask').fill('1');
  await page.getByTestId('slurm-pollSeconds').fill('0.5');
  await page.getByTestId('slurm-arrayLimit').fill(options.arrayLimit === undefined ? '' : String(options.arrayLimit));
}

const taskState = (page: Page, job: number, index: number) => page.getByTestId(`training-job-task-state-${job}-${index}`);

test('submits, follows, cancels, resubmits and imports Slurm training jobs from the Models view', async ({
  page,
  world,
  cluster,
}, testInfo) => {
  test.setTimeout(240_000);
  // Tall enough that the whole form and each job fit in their screenshots.
  await page.setViewportSize({ width: 1280, height: 2400 });
  await page.goto(world.url);
  await page.getByTestId('nav-models').click();
  await page.getByTestId('model-modelPath').fill(kitTarget);
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-done')).toContainText('Imported target', { timeout: 60_000 });
  await page.getByTestId('toggle-training').click();
  const panel = page.getByTestId('training-panel');
  await page.getByTestId('training-recipe').locator('summary').click();

  // The form: Slurm's settings appear with the backend, each checked against the contract under its field.
  await expect(page.getByTestId('slurm-settings')).toHaveCount(0);
  await fillSlurmForm(page, { count: 2, folder: 'slurm-refs', name: 'slurm refs', epochs: 2 });
  await expect(page.getByTestId('slurm-commands-note')).toContainText('mia audit');
  await page.getByTestId('slurm-time').fill('an hour');
  await page.getByTestId('slurm-submitHost').fill('-oProxyCommand=x');
  await expect(page.getByTestId('training-error-time')).toContainText('Must be a Slurm time limit');
  await expect(page.getByTestId('training-error-submitHost')).toContainText('not starting with a dash');
  await expect(page.getByTestId('training-start')).toBeDisabled();
  await expect(page.getByTestId('training-missing')).toContainText('fix the SSH submit host; fix the time limit');
  await page.getByTestId('slurm-time').fill('10:00');
  await page.getByTestId('slurm-submitHost').fill('');
  await expect(page.getByTestId('training-start')).toBeEnabled();
  await panel.screenshot({ path: testInfo.outputPath('slurm-form.png') });

  // Job 1: two reference models, followed task by task to the imported set.
  await page.getByTestId('training-start').click();
  await expect(page.getByTestId('training-job-array-ids-1')).toHaveText(/^\d+$/, { timeout: 60_000 });
  await expect(page.getByTestId('training-job-status-1')).toHaveText('finished', { timeout: 90_000 });
  for (const index of [0, 1]) await expect(taskState(page, 1, index)).toHaveText('COMPLETED');
  await expect(page.getByTestId('training-job-imported-1')).toContainText('“slurm refs”');
  await expect(page.getByTestId('training-job-results-1').locator('tbody tr')).toHaveCount(2);
  await page.getByTestId('training-job-1').getByText('Log (').click();
  await expect(page.getByTestId('training-job-1').locator('pre.log')).toContainText('Verified and imported 2 models');
  await page.getByTestId('training-job-1').screenshot({ path: testInfo.outputPath('slurm-job-finished.png') });
  await expect(page.getByTestId('sets-table')).toContainText('slurm refs');
  expect(fs.existsSync(path.join(world.trainingRoot, 'slurm-refs', 'ref_01.onnx'))).toBe(true);

  // Job 2: four models, one at a time, cancelled while its first task runs.
  await fillSlurmForm(page, { count: 4, folder: 'slurm-cancel', name: 'slurm cancelled', epochs: 200, arrayLimit: 1 });
  await page.getByTestId('training-start').click();
  await expect(taskState(page, 2, 0)).toHaveText('RUNNING', { timeout: 60_000 });
  await expect(taskState(page, 2, 3)).toHaveText('PENDING');
  await expect(page.getByTestId('training-job-progress-2')).toContainText('Slurm: 1 running, 3 pending, 0 of 4 ended');
  await page.getByTestId('training-job-2').screenshot({ path: testInfo.outputPath('slurm-job-running.png') });
  const arrayId = (await page.getByTestId('training-job-array-ids-2').textContent())!.trim();
  await page.getByTestId('training-job-cancel-2').click();
  await expect(page.getByTestId('training-job-status-2')).toHaveText('cancelled', { timeout: 30_000 });
  for (const index of [0, 1, 2, 3]) await expect(taskState(page, 2, index)).toHaveText(/^(CANCELLED|FAILED)$/);
  await expect(taskState(page, 2, 3)).toHaveText('CANCELLED');
  await expect(page.getByTestId('training-job-imported-2')).toHaveCount(0);
  // Tasks the cancel ended are not listed as failures, and a cancelled job offers no resubmit.
  await expect(page.getByTestId('training-job-failed-2')).toHaveCount(0);
  await expect(page.getByTestId('training-job-resubmit-2')).toHaveCount(0);
  // Slurm agrees: nothing of that array is queued or running any more.
  await expect
    .poll(() => cluster.command(['squeue', '--noheader', '--array', `--jobs=${arrayId}`, '--states=PENDING,RUNNING', '--format=%i']), {
      timeout: 20_000,
    })
    .toBe('');

  // Job 3: task 1 fails on purpose; it is listed with its log tail, and only it is resubmitted.
  fs.writeFileSync(cluster.failFlag, '');
  await fillSlurmForm(page, { count: 2, folder: 'slurm-resubmit', name: 'slurm resubmitted', epochs: 2 });
  await page.getByTestId('training-start').click();
  await expect(page.getByTestId('training-job-status-3')).toHaveText('failed', { timeout: 90_000 });
  await expect(taskState(page, 3, 0)).toHaveText('COMPLETED');
  await expect(taskState(page, 3, 1)).toHaveText('FAILED');
  await expect(page.getByTestId('training-job-log-tail-3-1')).toContainText('task 1 refuses on purpose');
  await expect(page.getByTestId('training-job-log-tail-3-0')).toHaveCount(0);
  const resubmit = page.getByTestId('training-job-resubmit-3');
  await expect(resubmit).toHaveText('Resubmit failed tasks (1)');
  await page.getByTestId('training-job-3').screenshot({ path: testInfo.outputPath('slurm-job-failed.png') });
  fs.rmSync(cluster.failFlag);
  await resubmit.click();
  await expect(page.getByTestId('training-job-status-3')).toHaveText(/running|finished/, { timeout: 10_000 });
  await expect(page.getByTestId('training-job-status-3')).toHaveText('finished', { timeout: 90_000 });
  await expect(page.getByTestId('training-job-array-ids-3')).toHaveText(/^\d+, \d+$/);
  const [first, second] = (await page.getByTestId('training-job-array-ids-3').textContent())!.split(', ');
  await expect(page.getByTestId('training-job-task-3-0')).toContainText(first!);
  await expect(page.getByTestId('training-job-task-3-1')).toContainText(second!);
  await expect(page.getByTestId('training-job-failed-3')).toHaveCount(0);
  await expect(page.getByTestId('training-job-imported-3')).toContainText('“slurm resubmitted”');
  await expect(page.getByTestId('sets-table')).toContainText('slurm resubmitted');
  await page.getByTestId('training-jobs').screenshot({ path: testInfo.outputPath('slurm-jobs.png') });
});
