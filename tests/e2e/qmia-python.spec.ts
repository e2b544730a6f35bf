// qmia in New run, in a real browser against the headless host: its form is generated from its parameter schema, and
// it says before Start which Python will train its quantile regressor, or, on a host whose Python has no PyTorch,
// that there is none, with Start kept off (runs.start would refuse with run.no-python).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createTestBackend } from '../helpers/in-process-bridge';
import { startHeadlessHostProcess } from '../helpers/headless-host-process';
import { kitManifest, kitTarget } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';

/** Imports the classifier kit's records and target into the host's workspace through a second backend on the file. */
async function importTargetAndRecords(workspaceFile: string): Promise<{ targetId: number; datasetId: number }> {
  const { backend } = createTestBackend(path.dirname(workspaceFile), path.basename(workspaceFile));
  try {
    const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kitManifest, name: 'demo classifier' });
    const target = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: kitTarget });
    if (!dataset.ok || !target.ok) throw new Error('the demo kit did not import');
    return { targetId: (target.data as { id: number }).id, datasetId: (dataset.data as { dataset: { id: number } }).dataset.id };
  } finally {
    await backend.idle();
    backend.close();
  }
}

async function chooseQmia(page: Page, url: string, kit: { targetId: number; datasetId: number }): Promise<void> {
  await page.goto(url);
  await page.getByTestId('nav-new-run').click();
  await page.getByTestId('run-target').selectOption(String(kit.targetId));
  await page.getByTestId('run-dataset').selectOption(String(kit.datasetId));
  await page.getByTestId('attack-qmia').check();
  // The form comes from the schema: α defaults to 0.05.
  await expect(page.getByTestId('params-qmia').getByLabel('alpha', { exact: true })).toHaveValue('0.05');
}

test('names the Python that will train the regressor and estimates the population and scored records', async ({ page, host }, testInfo) => {
  test.setTimeout(120_000);
  const kit = await importTargetAndRecords(host.workspaceFile);
  await chooseQmia(page, host.url, kit);
  await expect(page.getByTestId('python-requirement-qmia')).toContainText('(torch ', { timeout: 60_000 });
  // 1,000 population records for the regressor's training scores and 1,200 scored records, on the target.
  await expect(page.getByTestId('estimate-qmia')).toContainText('2,200', { timeout: 30_000 });
  await expect(page.getByTestId('start-runs')).toBeEnabled();
  await page.getByTestId('estimate-qmia').scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath('qmia-new-run-python-found.png') });
});

test('says before Start that no Python with PyTorch was found, and keeps Start off', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-qmia-'));
  const workspaceFile = path.join(dir, 'workspace.sqlite');
  // MIA_PYTHON names the one interpreter the host may use; here it does not exist.
  const host = await startHeadlessHostProcess(workspaceFile, {
    ...process.env,
    MIA_CONFIG_DIR: path.join(dir, 'config'),
    MIA_PYTHON: path.join(dir, 'no-python-here'),
  });
  try {
    const kit = await importTargetAndRecords(workspaceFile);
    await chooseQmia(page, host.url, kit);
    const note = page.getByTestId('python-requirement-qmia');
    await expect(note).toContainText('no Python with PyTorch was found', { timeout: 60_000 });
    await expect(note).toHaveAttribute('role', 'alert');
    await expect(page.getByTestId('start-runs')).toBeDisabled();
    await expect(page.getByTestId('new-run-view')).toContainText('choose a Python with PyTorch in Settings');
    await page.getByTestId('start-runs').scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath('qmia-new-run-no-python.png') });
  } finally {
    await host.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
