// A label-only classifier target in a real browser against the headless host: the auditor imports the demo target
// through the Models form with "Label-only" ticked, the list and the details say label-only, and New run shows every
// attack that needs probabilities or logits disabled with the reason, while the two label-only attacks can be ticked,
// estimated before Start and run. Screenshots of the changed views are kept with the test's output.
import path from 'node:path';
import { createTestBackend } from '../helpers/in-process-bridge';
import { kitManifest, kitTarget } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';

const probabilityAttacks = ['loss', 'confidence', 'entropy', 'modified-entropy', 'shokri', 'lira', 'rmia'];
const reason =
  'Not available on this target. It needs the probabilities or logits, which a label-only target does not expose (only its predicted label).';

async function importRecords(workspaceFile: string): Promise<number> {
  const { backend } = createTestBackend(path.dirname(workspaceFile), path.basename(workspaceFile));
  try {
    const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kitManifest, name: 'demo classifier' });
    if (!dataset.ok) throw new Error(dataset.error.message);
    return (dataset.data as { dataset: { id: number } }).dataset.id;
  } finally {
    await backend.idle();
    backend.close();
  }
}

test('marks a target label-only at import, shows it, and disables the attacks that need probabilities', async ({
  page,
  host,
}, testInfo) => {
  test.setTimeout(180_000);
  const datasetId = await importRecords(host.workspaceFile);
  await page.goto(host.url);
  await page.getByTestId('nav-models').click();
  await page.getByTestId('model-modelPath').fill(kitTarget);
  await page.getByTestId('model-name').fill('demo target as a label API');
  await page.getByTestId('model-label-only').check();
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-done')).toContainText('Imported', { timeout: 60_000 });
  const row = page.getByTestId('models-table').locator('tr', { hasText: 'demo target as a label API' });
  const targetId = Number((await row.getAttribute('data-testid'))?.replace('model-row-', ''));
  await expect(page.getByTestId(`model-label-only-${targetId}`)).toHaveText('label-only');
  await page.getByTestId(`model-details-${targetId}`).click();
  await expect(page.getByTestId('model-details-label-only')).toContainText('Label-only.');
  await page.getByTestId('models-view').screenshot({ path: testInfo.outputPath('models-label-only.png') });

  await page.getByTestId('nav-new-run').click();
  await page.getByTestId('run-target').selectOption(String(targetId));
  await page.getByTestId('run-dataset').selectOption(String(datasetId));
  await expect(page.getByTestId('run-target').locator('option:checked')).toContainText('label-only');
  for (const attack of probabilityAttacks) {
    await expect(page.getByTestId(`attack-${attack}`)).toBeDisabled();
    await expect(page.getByTestId(`attack-unavailable-${attack}`)).toHaveText(reason);
  }
  for (const attack of ['label-only-augmentation', 'label-only-boundary']) {
    await expect(page.getByTestId(`attack-${attack}`)).toBeEnabled();
    await expect(page.getByTestId(`attack-unavailable-${attack}`)).toHaveCount(0);
  }
  await page.getByTestId('attack-label-only-augmentation').check();
  // 1,000 audited and 200 calibration records, 12 augmented copies each by default.
  await expect(page.getByTestId('estimate-label-only-augmentation')).toContainText('14,400', { timeout: 30_000 });
  await page.locator('fieldset.attacks').screenshot({ path: testInfo.outputPath('new-run-label-only-attacks.png') });

  await page.getByTestId('start-runs').click();
  await page.waitForURL(/[?&]run=\d+/, { timeout: 60_000 });
  const runId = Number(/[?&]run=(\d+)/.exec(page.url())![1]);
  await expect(page.getByTestId(`run-status-${runId}`)).toHaveText('finished', { timeout: 150_000 });
  await expect(page.getByTestId('details-label-only')).toHaveText('· treated as label-only');
  await page.screenshot({ path: testInfo.outputPath('run-details-label-only.png') });
});
