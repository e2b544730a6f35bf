// Planning shadow models through the UI against the headless host: import the classifier demo kit's dataset and
// target, write a shadow plan of 2 models from the Models view into a folder the page names (the host creates it
// under its training root, `training/` beside the workspace here; a path is refused before anything is sent), and
// check that the summary the panel shows is what landed on disk (manifest.json with 2 models that the set import
// reads back); then, where a Python with PyTorch exists, train 2 small shadows from the same panel and watch them arrive.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { findPython } from '../../src-main/services/training/python-probe';
import { hasClassifierKit, kitManifest, kitTarget } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';

test.skip(!hasClassifierKit, 'the classifier demo kit (resources/demo/classifier) is not there yet');

/** Opens the app, imports the demo dataset and target, and opens the Models view's planning and training panel. */
async function openTrainingPanel(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByTestId('datasets-view')).toBeVisible();
  await importKit(page);
  await page.getByTestId('toggle-training').click();
  await expect(page.getByTestId('training-panel')).toBeVisible();
}

/** The headless host's training root when started without --training-root: `training/` beside the workspace. */
const trainingRootOf = (workspaceFile: string) => path.join(path.dirname(workspaceFile), 'training');

async function importKit(page: Page): Promise<void> {
  await page.getByTestId('dataset-path').fill(kitManifest);
  await page.getByTestId('dataset-name').fill('demo classifier');
  await page.getByTestId('dataset-import').click();
  await expect(page.getByTestId('datasets-table')).toContainText('demo classifier', { timeout: 90_000 });
  await page.getByTestId('nav-models').click();
  await expect(page.getByTestId('models-view')).toBeVisible();
  await page.getByTestId('model-modelPath').fill(kitTarget);
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-done')).toContainText('Imported target', { timeout: 60_000 });
}

test('writes a shadow plan of 2 models from the Models view and shows what it wrote', async ({ page, host }, testInfo) => {
  test.setTimeout(180_000);
  const root = trainingRootOf(host.workspaceFile);
  const folder = path.join(root, 'shadows');
  await openTrainingPanel(page, host.url);
  const panel = page.getByTestId('training-panel');
  await expect(page.getByTestId('training-dataset')).toHaveValue(/\d+/);
  await expect(page.getByTestId('training-dataset').locator('option:checked')).toContainText('demo classifier');
  await expect(page.getByTestId('training-target').locator('option:checked')).toContainText('target');
  await page.getByTestId('training-purpose-shadow').check();
  await page.getByTestId('training-count').fill('2');
  await expect(page.getByTestId('training-folder-root')).toContainText(root);
  // A path is no folder name: refused in the form, so nothing is sent.
  for (const name of ['../x', '/tmp/x']) {
    await page.getByTestId('training-folder-name').fill(name);
    await expect(page.getByTestId('training-write-plan')).toBeDisabled();
    await expect(page.getByTestId('training-error-folderName')).toContainText('Must be a single name of letters, digits');
    await expect(page.getByTestId('training-missing')).toContainText('fix the folder name');
  }
  await page.getByTestId('training-folder-name').fill('shadows');
  await page.getByTestId('training-write-plan').click();

  const summary = page.getByTestId('training-plan-summary');
  await expect(summary).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('training-plan-model-count')).toHaveText('2');
  await expect(page.getByTestId('training-plan-pool')).toContainText('aux');
  await expect(page.getByTestId('training-plan-folder')).toContainText(folder);
  await expect(page.getByTestId('training-plan-files')).toContainText(path.join(folder, 'manifest.json'));
  await page.getByTestId('training-plan-summary').getByText('Records per model').click();
  await expect(page.getByTestId('training-plan-models').locator('tbody tr')).toHaveCount(2);
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await panel.screenshot({ path: testInfo.outputPath('training-plan.png') });

  const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as {
    models: { name: string; path: string; trained_on: unknown[] }[];
  };
  expect(manifest.models).toHaveLength(2);
  for (const model of manifest.models) expect(model.trained_on.length).toBeGreaterThan(0);
  expect(fs.existsSync(path.join(folder, 'plan.json'))).toBe(true);
  expect(fs.existsSync(path.join(folder, 'splits.csv'))).toBe(true);

  // A plan imports nothing: New run says where shadow models come from.
  await page.getByTestId('nav-new-run').click();
  await page.getByTestId('attack-shokri').check();
  await expect(page.getByTestId('run-shadows-missing')).toContainText('plan or train them in Models');
  expect(fs.readdirSync(path.dirname(root)).filter((name) => name === 'x')).toEqual([]);
});

test('Settings in the browser cannot change the Python: it says how the host picks one, and Detect shows what it found', async ({
  page,
  host,
}, testInfo) => {
  test.setTimeout(120_000);
  await page.goto(host.url);
  await page.getByTestId('nav-settings').click();
  const section = page.getByTestId('training-bridge-settings');
  await expect(section).toBeVisible();
  await expect(page.getByTestId('python-fixed')).toContainText('--python PATH');
  await expect(page.getByTestId('python-fixed')).toContainText('MIA_PYTHON');
  await expect(page.getByTestId('python-path')).toHaveValue('');
  await expect(page.getByTestId('python-path')).toHaveAttribute('readonly', '');
  await expect(page.getByTestId('python-save')).toHaveCount(0);
  await expect(page.getByTestId('python-clear')).toHaveCount(0);

  await page.getByTestId('python-detect').click();
  // Which Python the search finds depends on the machine; either verdict comes with its facts.
  const verdict = page.getByTestId('python-probe-verdict');
  await expect(verdict).toHaveText(/^(found|not found)$/, { timeout: 90_000 });
  if ((await verdict.textContent()) === 'found') await expect(page.getByTestId('python-probe')).toContainText('PyTorch');
  else await expect(page.getByTestId('python-probe-tried')).toBeVisible();
  await expect(section.getByRole('alert')).toHaveCount(0);
  await section.screenshot({ path: testInfo.outputPath('training-bridge-settings.png') });
});

test('trains 2 shadow models from the Models view, streaming progress, and lists the imported set', async ({ page, host }, testInfo) => {
  const probe = await findPython({ setting: null });
  test.skip(!probe.found, `no Python with PyTorch was found (${probe.tried.map((t) => `${t.path}: ${t.problem}`).join('; ')})`);
  test.setTimeout(300_000);
  const folder = path.join(trainingRootOf(host.workspaceFile), 'shadows');
  await openTrainingPanel(page, host.url);
  await page.getByTestId('training-purpose-shadow').check();
  await page.getByTestId('training-count').fill('2');
  await page.getByTestId('training-train-size').fill('100');
  await page.getByTestId('training-folder-name').fill('shadows');
  await page.getByTestId('training-recipe').locator('summary').click();
  await page.getByTestId('training-epochs').fill('20');
  await expect(page.getByTestId('training-start')).toBeEnabled({ timeout: 90_000 }); // once Detect found torch
  await page.getByTestId('training-start').click();

  // A fresh workspace per test (the fixture's), so this is job 1.
  const job = page.getByTestId('training-job-1');
  await expect(page.getByTestId('training-job-progress-1')).toContainText(/model \d of 2, epoch \d+ of 20/, { timeout: 90_000 });
  await expect(page.getByTestId('training-job-status-1')).toHaveText('finished', { timeout: 180_000 });
  await expect(page.getByTestId('training-job-results-1').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('training-job-imported-1')).toBeVisible();
  await expect(job).toContainText(folder); // where the models went, shown back to the page
  await job.screenshot({ path: testInfo.outputPath('training-job.png') });
  expect(fs.existsSync(path.join(folder, 'shadow_01.onnx'))).toBe(true);

  // The imported set is offered to the Shokri attack.
  await page.getByTestId('nav-new-run').click();
  await page.getByTestId('attack-shokri').check();
  await expect(page.getByTestId('run-shadows').locator('option:checked')).toContainText('2 models');
  await expect(page.getByTestId('run-shadows-missing')).toHaveCount(0);
});
