// Data that does not fit its target in New run, in a real browser against the headless host (issue 17, item 2): the
// dataset picker starts on a dataset that fits the first target rather than the newest import; the 28×28 classifier
// on the 16×16 diffusion images and CLIP on records without captions each get a warning naming the mismatch, with
// Start disabled; a size mismatch can be run on resized images once the auditor ticks the box, and the run records
// that choice (its details say so, and its stored configuration has resize true).
import path from 'node:path';
import type { Backend } from '../../src-main/services/backend';
import { createTestBackend } from '../helpers/in-process-bridge';
import { clipKit, diffusionKit, kitManifest, kitTarget } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';
import { readWorkspace } from './workspace-reader';

async function call(backend: Backend, channel: string, request: unknown): Promise<{ id?: number; dataset?: { id: number } }> {
  const result = await backend.router.dispatch(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.data as { id?: number; dataset?: { id: number } };
}

interface Imported {
  classifierData: number;
  diffusionData: number;
  classifierId: number;
  clipId: number;
}

/** The classifier's dataset first and the diffusion images last (the newest import), the classifier and CLIP targets. */
async function importMismatchedKits(workspaceFile: string): Promise<Imported> {
  const { backend } = createTestBackend(path.dirname(workspaceFile), path.basename(workspaceFile));
  try {
    const classifierData = (await call(backend, 'datasets.import', { kind: 'manifest-csv', path: kitManifest, name: 'demo classifier' }))
      .dataset!.id;
    const classifierId = (await call(backend, 'models.import', { kind: 'classifier', modelPath: kitTarget })).id!;
    const clipId = (
      await call(backend, 'models.import', {
        kind: 'clip',
        imageModelPath: path.join(clipKit, 'image_encoder.onnx'),
        textModelPath: path.join(clipKit, 'text_encoder.onnx'),
        tokenizerPath: path.join(clipKit, 'tokenizer.json'),
      })
    ).id!;
    const diffusionData = (
      await call(backend, 'datasets.import', {
        kind: 'manifest-csv',
        path: path.join(diffusionKit, 'manifest.csv'),
        name: 'demo diffusion',
      })
    ).dataset!.id;
    return { classifierData, diffusionData, classifierId, clipId };
  } finally {
    await backend.idle();
    backend.close();
  }
}

test('warns about data that does not fit the target, disables Start, and runs resized only when the auditor asks', async ({
  page,
  host,
}, testInfo) => {
  test.setTimeout(180_000);
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
  const kit = await importMismatchedKits(host.workspaceFile);
  await page.goto(host.url);
  await page.getByTestId('nav-new-run').click();
  await expect(page.getByTestId('new-run-view')).toBeVisible();
  const target = page.getByTestId('run-target');
  const dataset = page.getByTestId('run-dataset');
  const start = page.getByTestId('start-runs');
  const warning = page.getByTestId('run-data-mismatch');

  // The picker starts on the dataset that fits the classifier, not on the diffusion images imported last.
  await expect(target).toHaveValue(String(kit.classifierId), { timeout: 30_000 });
  await expect(dataset).toHaveValue(String(kit.classifierData));
  await page.getByTestId('attack-loss').check();
  await expect(start).toBeEnabled({ timeout: 30_000 });
  await expect(warning).toHaveCount(0);

  // Size: the warning names both sizes and Start stays off until the auditor chooses to resize.
  await dataset.selectOption(String(kit.diffusionData));
  await expect(page.getByTestId('run-data-mismatch-size')).toContainText('28×28');
  await expect(page.getByTestId('run-data-mismatch-size')).toContainText('16×16');
  await expect(warning.locator('li')).toHaveCount(1);
  await expect(start).toBeDisabled();
  await expect(page.getByTestId('new-run-view')).toContainText('choose a dataset that fits the target');
  await shot('data-fit-size');
  await page.getByTestId('run-resize').check();
  await expect(start).toBeEnabled();

  // Captions: CLIP on the classifier's records, which have none; no resize can make that fit.
  await target.selectOption(String(kit.clipId));
  await dataset.selectOption(String(kit.classifierData));
  await expect(page.getByTestId('run-data-mismatch-captions')).toContainText('caption', { timeout: 30_000 });
  await expect(page.getByTestId('run-resize')).toHaveCount(0);
  await page.getByTestId('attack-csa').check();
  await expect(start).toBeDisabled();
  await shot('data-fit-captions');

  // Back to the classifier on the diffusion images: the resize box starts unticked again; tick it and start.
  await target.selectOption(String(kit.classifierId));
  await dataset.selectOption(String(kit.diffusionData));
  await expect(page.getByTestId('run-data-mismatch-size')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('run-resize')).not.toBeChecked();
  await page.getByTestId('attack-loss').check();
  await expect(start).toBeDisabled();
  await page.getByTestId('run-resize').check();
  await expect(start).toBeEnabled();
  await start.click();
  await expect(page.getByTestId('runs-view')).toBeVisible({ timeout: 60_000 });

  const runId = readWorkspace(host.workspaceFile, (db) => (db.prepare('SELECT MAX(id) AS id FROM runs').get() as { id: number }).id);
  await expect(page.getByTestId(`run-status-${runId}`)).toHaveText('finished', { timeout: 60_000 });
  await page.getByTestId(`run-open-${runId}`).click();
  await expect(page.getByTestId('run-details').getByTestId('details-resized')).toContainText('resized', { timeout: 30_000 });
  const stored = readWorkspace(host.workspaceFile, (db) =>
    db.prepare('SELECT config, dataset_id AS datasetId FROM runs WHERE id = ?').get(runId),
  ) as {
    config: string;
    datasetId: number;
  };
  expect(stored.datasetId).toBe(kit.diffusionData);
  expect(JSON.parse(stored.config)).toMatchObject({ resize: true, attack: 'loss', targetModelId: kit.classifierId });
  await shot('data-fit-resized-run');
});
