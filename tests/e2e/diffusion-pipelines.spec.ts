// The two conditional diffusion demos as auditors receive them (issue 18), in a real browser against the headless
// host: each pipeline folder (class-conditional DiT, text-conditional latent pipeline with external UNet weights) is
// imported in the Models view as one target, a diffusion-loss run of each on its own records is started in New run
// (whose estimate names the calls per component) and finishes, and Compare shows both runs side by side.
import path from 'node:path';
import { expect, test } from './headless-host-fixture';
import { importManifestRecords } from './import-records';
import { readWorkspace } from './workspace-reader';

const demoDir = path.resolve(__dirname, '..', '..', 'resources', 'demo');

test('imports the DiT and latent pipeline folders, runs each, and compares the two runs', async ({ page, host }, testInfo) => {
  test.setTimeout(240_000);
  const runIds: number[] = [];
  await page.goto(host.url);
  for (const folder of ['dit', 'latent-diffusion']) {
    const datasetId = await importManifestRecords(host.workspaceFile, path.join(demoDir, folder, 'manifest.csv'), `${folder} records`);
    await page.getByTestId('nav-models').click();
    // The import form starts open only while the workspace holds no model.
    if (runIds.length > 0) await page.getByTestId('toggle-model-import').click();
    await page.getByTestId('model-what').selectOption('diffusion-pipeline');
    await page.getByTestId('model-pipelinePath').fill(path.join(demoDir, folder));
    await page.getByTestId('model-name').fill(`${folder} pipeline`);
    await page.getByTestId('model-import').click();
    await expect(page.getByTestId('model-import-done')).toBeVisible({ timeout: 60_000 });
    const model = readWorkspace(host.workspaceFile, (db) =>
      db.prepare('SELECT id, kind, files FROM models ORDER BY id DESC LIMIT 1').get(),
    ) as {
      id: number;
      kind: string;
      files: string;
    };
    expect(model.kind).toBe('diffusion');
    const roles = Object.keys(JSON.parse(model.files) as object);
    expect(roles).toEqual(expect.arrayContaining(['denoiser', 'vae_encoder', 'vae_decoder', 'scheduler', 'model_index']));
    // The text-conditional pipeline brings its text encoder and tokenizer, and its UNet's external weights.
    if (folder === 'latent-diffusion') {
      expect(roles).toEqual(expect.arrayContaining(['text_encoder', 'tokenizer_vocab', 'tokenizer_merges', 'denoiser:model.onnx_data']));
    }
    await page.getByTestId(`model-details-${model.id}`).click();
    await expect(page.getByTestId('model-details')).toContainText('model_index');
    await page.screenshot({ path: testInfo.outputPath(`${folder}-details.png`), fullPage: true });

    await page.getByTestId('nav-new-run').click();
    await page.getByTestId('run-target').selectOption(String(model.id));
    await page.getByTestId('run-dataset').selectOption(String(datasetId));
    await page.getByTestId('attack-diffusion-loss').check();
    // The estimate names every component the run calls on the 128 records: 4 noise draws through the denoiser, one
    // latent per record through the VAE encoder, and for the text-conditional pipeline one prompt per record.
    await expect(page.getByTestId('estimate-components-diffusion-loss')).toHaveText(
      folder === 'dit' ? 'unet 512, vae_encoder 128' : 'unet 512, vae_encoder 128, text_encoder 128',
      { timeout: 30_000 },
    );
    await expect(page.getByTestId('start-runs')).toBeEnabled({ timeout: 30_000 });
    await page.getByTestId('start-runs').click();
    await expect(page.getByTestId('runs-view')).toBeVisible({ timeout: 60_000 });
    const runId = readWorkspace(host.workspaceFile, (db) => (db.prepare('SELECT MAX(id) AS id FROM runs').get() as { id: number }).id);
    await expect(page.getByTestId(`run-status-${runId}`)).toHaveText('finished', { timeout: 90_000 });
    runIds.push(runId);
  }

  await page.goto(`${host.origin}/#/compare?runs=${runIds.join(',')}`);
  // Each column's head carries the run's generated name (attack · target · dataset) as its title.
  const [ditRun, latentRun] = runIds as [number, number];
  await expect(page.getByTestId(`compare-head-${ditRun}`)).toHaveAttribute('title', /dit pipeline · dit records/, { timeout: 30_000 });
  await expect(page.getByTestId(`compare-head-${latentRun}`)).toHaveAttribute(
    'title',
    /latent-diffusion pipeline · latent-diffusion records/,
  );
  await page.screenshot({ path: testInfo.outputPath('pipelines-compare.png'), fullPage: true });
});
