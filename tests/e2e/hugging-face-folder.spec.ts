// A Hugging Face model folder imported in the Models view of a real browser against the headless host (issue 24):
// the details panel shows the preprocessing and class names read from the folder, the auditor overrides the
// normalisation and goes back, and a loss run of the folder model on the classifier demo records finishes.
import { hfClassifierFolder, kitManifest } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';
import { importManifestRecords } from './import-records';
import { readWorkspace } from './workspace-reader';

test('imports a Hugging Face folder, shows what was read from it, overrides the normalisation and runs loss on it', async ({
  page,
  host,
}, testInfo) => {
  test.setTimeout(180_000);
  const datasetId = await importManifestRecords(host.workspaceFile, kitManifest, 'demo classifier');
  await page.goto(host.url);
  await page.getByTestId('nav-models').click();
  await page.getByTestId('model-modelPath').fill(hfClassifierFolder);
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-done')).toBeVisible({ timeout: 60_000 });
  const modelId = readWorkspace(host.workspaceFile, (db) => (db.prepare('SELECT MAX(id) AS id FROM models').get() as { id: number }).id);
  await page.getByTestId(`model-details-${modelId}`).click();

  const panel = page.getByTestId('model-preprocess');
  await expect(panel.getByTestId('preprocess-step-resize')).toContainText('to 32×32 (bilinear)', { timeout: 30_000 });
  await expect(panel.getByTestId('preprocess-step-greyscale-to-rgb')).toContainText('allowed');
  await expect(panel.getByTestId('preprocess-mean')).toHaveValue('0.5, 0.5, 0.5');
  await expect(panel.getByTestId('model-class-names')).toContainText('10 classes: T-shirt/top, Trouser, Pullover, Dress, …');
  await page.screenshot({ path: testInfo.outputPath('hf-folder-details.png'), fullPage: true });

  // The ImageNet preset (224×224) cannot feed this 32×32 model: refused, naming both; a hand-edited mean is kept,
  // with the folder's resize; "as imported" brings back what the folder said.
  await panel.getByTestId('preprocess-preset').selectOption('imagenet');
  await panel.getByTestId('preprocess-apply').click();
  await expect(panel.getByTestId('preprocess-error')).toContainText('224×224', { timeout: 30_000 });
  await expect(panel.getByTestId('preprocess-error')).toContainText('32×32');
  await panel.getByTestId('preprocess-preset').selectOption('imported');
  await panel.getByTestId('preprocess-mean').fill('0.4, 0.4, 0.4');
  await panel.getByTestId('preprocess-apply').click();
  await expect(panel.getByTestId('preprocess-overridden')).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByTestId('preprocess-step-mean')).toContainText('0.4, 0.4, 0.4');
  await expect(panel.getByTestId('preprocess-step-resize')).toContainText('to 32×32 (bilinear)');
  await panel.getByTestId('preprocess-preset').selectOption('imported');
  await panel.getByTestId('preprocess-apply').click();
  await expect(panel.getByTestId('preprocess-mean')).toHaveValue('0.5, 0.5, 0.5', { timeout: 30_000 });
  await expect(panel.getByTestId('preprocess-error')).toHaveCount(0);

  await page.getByTestId('nav-new-run').click();
  await page.getByTestId('run-target').selectOption(String(modelId));
  await page.getByTestId('run-dataset').selectOption(String(datasetId));
  await page.getByTestId('attack-loss').check();
  await expect(page.getByTestId('run-data-mismatch')).toHaveCount(0);
  await expect(page.getByTestId('start-runs')).toBeEnabled({ timeout: 30_000 });
  await page.getByTestId('start-runs').click();
  await expect(page.getByTestId('runs-view')).toBeVisible({ timeout: 60_000 });
  const runId = readWorkspace(host.workspaceFile, (db) => (db.prepare('SELECT MAX(id) AS id FROM runs').get() as { id: number }).id);
  await expect(page.getByTestId(`run-status-${runId}`)).toHaveText('finished', { timeout: 90_000 });
  const config = readWorkspace(host.workspaceFile, (db) => db.prepare('SELECT config FROM runs WHERE id = ?').get(runId)) as {
    config: string;
  };
  expect(JSON.parse(config.config)).toMatchObject({
    targetModelId: modelId,
    targetPreprocess: { mean: [0.5, 0.5, 0.5], expandGrey: true },
  });
});
