// Remote targets in a real browser against the headless host: `mia serve` (the built CLI, from
// resources/demo/remote/serve.yaml, on a free loopback port, with the bearer token it makes) serves the demo
// classifier; the auditor adds it through the Models form with the key read from an environment variable of the
// host, sees its host and served model in the details, runs `loss` on the demo dataset with a query budget that stops
// one run (its code in the run's details) and without one, and compares the remote run with the same attack on the
// local demo classifier: equal AUCs. The token never reaches the page or the workspace file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { startServeProcess } from '../../src-main/cli/serve-process';
import type { ModelSummary } from '../../src-shared/contract/contract';
import { createTestBackend } from '../helpers/in-process-bridge';
import { startHeadlessHostProcess } from '../helpers/headless-host-process';
import { classifierKit, kitManifest, kitTarget } from './demo-kit-paths';

const repoRoot = path.resolve(__dirname, '..', '..');
const serveConfig = path.join(repoRoot, 'resources', 'demo', 'remote', 'serve.yaml');
/** The variable the host reads the server's token from; the form names it, the workspace stores only the name. */
const tokenVariable = 'MIA_E2E_SERVE_TOKEN';

interface RemoteWorld {
  /** `mia serve`'s URL and the bearer token it made. */
  readonly served: { readonly url: string; readonly token: string };
  readonly hostUrl: string;
  readonly origin: string;
  readonly workspaceFile: string;
  readonly datasetId: number;
  readonly localTargetId: number;
}

/** The demo dataset and the local demo classifier, imported by a second front door before the page opens. */
async function importLocalKit(workspaceFile: string): Promise<{ datasetId: number; localTargetId: number }> {
  const { backend } = createTestBackend(path.dirname(workspaceFile), path.basename(workspaceFile));
  try {
    const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kitManifest, name: 'demo classifier' });
    if (!dataset.ok) throw new Error(dataset.error.message);
    const target = await backend.router.dispatch('models.import', {
      kind: 'classifier',
      modelPath: kitTarget,
      name: 'local demo classifier',
    });
    if (!target.ok) throw new Error(target.error.message);
    return { datasetId: (dataset.data as { dataset: { id: number } }).dataset.id, localTargetId: (target.data as ModelSummary).id };
  } finally {
    await backend.idle();
    backend.close();
  }
}

const test = base.extend<{ world: RemoteWorld }>({
  world: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; it has none
    async ({}, use) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-remote-'));
      const workspaceFile = path.join(dir, 'workspace.sqlite');
      // The CLI's own starter (npm run demo:remote uses it too): `mia serve --port 0`, its URL and token line read back.
      const server = startServeProcess(serveConfig);
      try {
        const served = await server.ready;
        const { datasetId, localTargetId } = await importLocalKit(workspaceFile);
        const host = await startHeadlessHostProcess(workspaceFile, {
          ...process.env,
          MIA_CONFIG_DIR: path.join(dir, 'config'),
          [tokenVariable]: served.token,
        });
        await use({ served, hostUrl: host.url, origin: new URL(host.url).origin, workspaceFile, datasetId, localTargetId });
        await host.stop();
      } finally {
        await server.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    { scope: 'test' },
  ],
});

/** Starts `loss` on a target from New run (with a query budget when given) and answers the new run's id. */
async function startLoss(page: Page, targetId: number, datasetId: number, queryBudget?: number): Promise<number> {
  await page.getByTestId('nav-new-run').click();
  await page.getByTestId('run-target').selectOption(String(targetId));
  await page.getByTestId('run-dataset').selectOption(String(datasetId));
  await page.getByTestId('attack-loss').check();
  await expect(page.getByTestId('estimate-loss')).toContainText('Estimated', { timeout: 30_000 });
  if (queryBudget !== undefined) await page.getByTestId('run-query-budget').fill(String(queryBudget));
  await page.getByTestId('start-runs').click();
  // New run opens the Runs view on the run it started.
  await page.waitForURL(/[?&]run=\d+/, { timeout: 60_000 });
  return Number(/[?&]run=(\d+)/.exec(page.url())![1]);
}

/** Every file under a folder, for the check that the token was written nowhere. */
function filesUnder(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(entry.parentPath, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
  });
}

test('adds a served classifier through the form, runs loss on it within a budget and compares it with the local one', async ({
  page,
  world,
}, testInfo) => {
  test.setTimeout(300_000);
  // The views scroll inside their pane, so each shot is of the part it is about.
  const shot = async (name: string, testId: string) => {
    const file = testInfo.outputPath(`${name}.png`);
    await page.getByTestId(testId).screenshot({ path: file });
    return file;
  };
  const servedHost = new URL(world.served.url).host;
  await page.goto(world.hostUrl);
  await page.getByTestId('nav-models').click();
  await page.getByTestId('toggle-model-import').click();
  await page.getByTestId('model-what').selectOption('remote');

  // An empty form is refused before anything is sent, naming the fields.
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('remote-url-error')).toBeVisible();
  await expect(page.getByTestId('remote-model-error')).toBeVisible();

  // This host stores no keys: the form offers only the environment variable, and says so.
  await expect(page.getByTestId('remote-key-source').locator('option')).toHaveText(['none', 'read from an environment variable']);
  await page.getByTestId('remote-url').fill(world.served.url);
  await page.getByTestId('remote-model-model').fill('classifier');
  await page.getByTestId('remote-model-version').fill('1');
  await page.getByTestId('remote-sidecarPath').fill(path.join(classifierKit, 'target.json'));
  await page.getByTestId('remote-concurrency').fill('2');
  await page.getByTestId('remote-pricePerRequest').fill('0.002');
  await page.getByTestId('model-name').fill('served demo classifier');

  // Without the key the server refuses the import, and the refusal shows under the form.
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-error')).toContainText(/401|unauthori|token|key/i, { timeout: 30_000 });

  await page.getByTestId('remote-key-source').selectOption('variable');
  await page.getByTestId('remote-key-env').fill(tokenVariable);
  await expect(page.getByTestId('remote-key-hint')).toContainText('stores no keys');
  await page.getByTestId('remote-allow-http').check();
  await expect(page.getByTestId('remote-http-warning')).toContainText('unencrypted');
  await page.getByTestId('remote-allow-http').uncheck();
  const formShot = await shot('remote-form', 'model-import-form');
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-done')).toContainText(`served at ${servedHost}`, { timeout: 60_000 });

  // The row and the details show the host it talks to and the served model; never the key.
  const remoteRow = page.getByTestId('models-table').locator('tr', { hasText: 'served demo classifier' });
  await expect(remoteRow).toContainText(`remote · ${servedHost}`);
  await remoteRow.getByRole('button', { name: 'Details' }).click();
  const details = page.getByTestId('model-details');
  await expect(details.getByTestId('model-remote-host')).toHaveText(servedHost);
  await expect(details.getByTestId('model-remote-component-model')).toContainText('classifier');
  await expect(details.getByTestId('model-remote-component-model')).toContainText(/[0-9a-f]{64}/);
  await expect(details.getByTestId('model-remote-key')).toHaveText(`from the environment variable ${tokenVariable}`);
  await expect(details).toContainText('pixel_values');
  const detailsShot = await shot('remote-details', 'model-details');
  const remoteId = Number((await remoteRow.getAttribute('data-testid'))?.replace('model-row-', ''));

  // New run on the remote target: the estimate names the requests and their cost before Start; a budget of 3
  // requests stops the run, and its details say why.
  await page.getByTestId('nav-new-run').click();
  await page.getByTestId('run-target').selectOption(String(remoteId));
  await page.getByTestId('run-dataset').selectOption(String(world.datasetId));
  await page.getByTestId('attack-loss').check();
  await expect(page.getByTestId('estimate-remote-loss')).toContainText(/requests to the server.*costing ≈ 0\.\d+/, { timeout: 30_000 });
  await page.getByTestId('run-query-budget').fill('0');
  await expect(page.getByTestId('run-query-budget-error')).toBeVisible();
  await page.getByTestId('run-query-budget').fill('3');
  await expect(page.getByTestId('estimate-remote-loss')).toContainText('query budget of 3 stops the run');
  const newRunShot = await shot('remote-new-run', 'new-run-view');
  const budgetRunId = await startLoss(page, remoteId, world.datasetId, 3);
  await expect(page.getByTestId(`run-status-${budgetRunId}`)).toHaveText('failed', { timeout: 120_000 });
  await page.getByTestId(`run-open-${budgetRunId}`).click();
  await expect(page.getByTestId('run-details')).toContainText(/budget/i);
  await expect(page.getByTestId('run-details')).toContainText(/\[remote\.[a-z-]+\]/);
  const budgetShot = await shot('remote-budget-stopped', 'run-details');

  // The same attack on the served and on the local classifier: both finish with an AUC, and Compare shows them equal.
  const remoteRunId = await startLoss(page, remoteId, world.datasetId);
  await expect(page.getByTestId(`run-status-${remoteRunId}`)).toHaveText('finished', { timeout: 180_000 });
  const localRunId = await startLoss(page, world.localTargetId, world.datasetId);
  await expect(page.getByTestId(`run-status-${localRunId}`)).toHaveText('finished', { timeout: 120_000 });
  const remoteAuc = await page.getByTestId(`run-auc-${remoteRunId}`).textContent();
  expect(remoteAuc).toMatch(/^\d\.\d+$/);
  await expect(page.getByTestId(`run-auc-${localRunId}`)).toHaveText(remoteAuc!);

  await page.goto(`${world.origin}/#/compare?runs=${localRunId},${remoteRunId}`);
  const localCell = page.getByTestId(`cell-${localRunId}-auc`).getByTestId('cell-value');
  const remoteCell = page.getByTestId(`cell-${remoteRunId}-auc`).getByTestId('cell-value');
  await expect(remoteCell).toHaveText(/^\d\.\d{3}$/, { timeout: 30_000 });
  await expect(localCell).toHaveText((await remoteCell.textContent())!);
  const compareShot = await shot('remote-compare', 'compare-view');

  // Settings say where this host's keys come from.
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('api-keys-environment')).toContainText('stores no keys');

  // The token was in the host's environment only: not on any page, not in the workspace.
  expect(await page.content()).not.toContain(world.served.token);
  const written = filesUnder(path.dirname(world.workspaceFile));
  expect(written.some((file) => file.includes('remote-cache'))).toBe(true);
  for (const file of written) expect(fs.readFileSync(file).includes(world.served.token), file).toBe(false);
  testInfo.annotations.push({ type: 'screenshots', description: [formShot, detailsShot, newRunShot, budgetShot, compareShot].join(', ') });
});
