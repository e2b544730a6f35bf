// The Models view's details of a combined CLIP model (one model.onnx in an Optimum folder) and of a Hugging Face
// classifier folder: the combined model's single file, stored under the role "model", is named as both encoders in
// its inputs-and-outputs table and its files list, while the classifier's roles read as stored, without a note.
import path from 'node:path';
import { hfClassifierFolder } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';
import { readWorkspace } from './workspace-reader';

const combinedFolder = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'clip-combined');

test('a combined CLIP model says its one file holds both encoders; a classifier folder needs no note', async ({ page, host }, testInfo) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(host.url);
  await page.getByTestId('nav-models').click();
  await page.getByTestId('model-what').selectOption('clip-combined');
  await page.getByTestId('model-modelPath').fill(combinedFolder);
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-done')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('model-what').selectOption('target');
  await page.getByTestId('model-modelPath').fill(hfClassifierFolder);
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('models-table')).toContainText('hf-classifier', { timeout: 60_000 });
  const ids = readWorkspace(host.workspaceFile, (db) => db.prepare('SELECT id, kind FROM models ORDER BY id').all()) as {
    id: number;
    kind: string;
  }[];
  const clipId = ids.find((m) => m.kind === 'clip')!.id;
  const classifierId = ids.find((m) => m.kind === 'classifier')!.id;

  await page.getByTestId(`model-details-${clipId}`).click();
  const details = page.getByTestId('model-details');
  await expect(details.getByTestId('io-model')).toContainText('model — image and text encoders in one file');
  await expect(details.getByTestId('io-model')).toContainText('pixel_values');
  await expect(details.getByTestId('io-model')).toContainText('input_ids');
  await expect(details.getByTestId('model-file-role-note')).toHaveCount(1);
  await expect(details.getByTestId('model-file-role-note')).toHaveText('(image and text encoders in one file)');
  await expect(details.getByTestId('model-file-sha256')).toHaveCount(5);
  await page.getByTestId('model-hash').scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath('clip-combined-files.png') });

  await page.getByTestId(`model-details-${classifierId}`).click();
  await expect(details.getByTestId('io-model')).toContainText('logits');
  await expect(details.getByTestId('io-model')).not.toContainText('encoder');
  await expect(details.getByTestId('model-file-role-note')).toHaveCount(0);
  await expect(details.getByTestId('model-file-sha256')).toHaveCount(3);
});
