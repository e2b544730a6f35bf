// A combined CLIP export (one model.onnx in an Optimum-style folder, issue 24) imported in the Models view of a real
// browser against the headless host, and a CSA run of it on the CLIP demo records started in New run and finished.
import path from 'node:path';
import { clipKit } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';
import { importManifestRecords } from './import-records';
import { readWorkspace } from './workspace-reader';

const combinedFolder = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'clip-combined');

test('imports a combined CLIP folder as one target and runs CSA on it', async ({ page, host }, testInfo) => {
  test.setTimeout(180_000);
  const datasetId = await importManifestRecords(host.workspaceFile, path.join(clipKit, 'manifest.csv'), 'demo clip');
  await page.goto(host.url);
  await page.getByTestId('nav-models').click();
  await page.getByTestId('model-what').selectOption('clip-combined');
  await page.getByTestId('model-modelPath').fill(combinedFolder);
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-done')).toBeVisible({ timeout: 60_000 });
  const model = readWorkspace(host.workspaceFile, (db) =>
    db.prepare('SELECT id, kind, files FROM models ORDER BY id DESC LIMIT 1').get(),
  ) as {
    id: number;
    kind: string;
    files: string;
  };
  expect(model.kind).toBe('clip');
  expect(Object.keys(JSON.parse(model.files) as object).sort()).toEqual([
    'model',
    'preprocessor_config',
    'special_tokens_map',
    'tokenizer',
    'tokenizer_config',
  ]);
  await page.screenshot({ path: testInfo.outputPath('clip-combined-imported.png'), fullPage: true });

  await page.getByTestId('nav-new-run').click();
  await page.getByTestId('run-target').selectOption(String(model.id));
  await page.getByTestId('run-dataset').selectOption(String(datasetId));
  await page.getByTestId('attack-csa').check();
  await expect(page.getByTestId('run-data-mismatch')).toHaveCount(0);
  await expect(page.getByTestId('start-runs')).toBeEnabled({ timeout: 30_000 });
  await page.getByTestId('start-runs').click();
  await expect(page.getByTestId('runs-view')).toBeVisible({ timeout: 60_000 });
  const runId = readWorkspace(host.workspaceFile, (db) => (db.prepare('SELECT MAX(id) AS id FROM runs').get() as { id: number }).id);
  await expect(page.getByTestId(`run-status-${runId}`)).toHaveText('finished', { timeout: 90_000 });
});
