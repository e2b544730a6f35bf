// New run on an image-variation target in a real browser against the headless host: `mia serve` (the built CLI, from
// resources/demo/remote/serve.yaml, with the token it makes) serves its variations endpoint; the auditor adds it through
// the Models form, and New run shows SecMI, PIA, PIAN and the diffusion loss disabled with the reason (they need the
// denoiser's noise predictions) while ReDiffuse can be ticked, started and finishes. A screenshot of New run is kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect } from '@playwright/test';
import { startServeProcess } from '../../src-main/cli/serve-process';
import { createTestBackend } from '../helpers/in-process-bridge';
import { startHeadlessHostProcess } from '../helpers/headless-host-process';

const repoRoot = path.resolve(__dirname, '..', '..');
const serveConfig = path.join(repoRoot, 'resources', 'demo', 'remote', 'serve.yaml');
const latentKit = path.join(repoRoot, 'resources', 'demo', 'latent-diffusion');
const tokenVariable = 'MIA_E2E_VARIATIONS_TOKEN';
const ruledOut = ['secmi', 'pia', 'pian', 'diffusion-loss'];
const reason = "Not available on this target. It needs the denoiser's noise predictions, which an image-variation API does not expose.";

interface VariationWorld {
  readonly url: string;
  readonly token: string;
  readonly hostUrl: string;
  readonly datasetId: number;
}

/** Six members and six non-members of the latent demo, imported by a second front door before the page opens. */
async function importRecords(folder: string, workspaceFile: string): Promise<number> {
  fs.mkdirSync(path.join(folder, 'images'), { recursive: true });
  const [header, ...rows] = fs.readFileSync(path.join(latentKit, 'manifest.csv'), 'utf8').trim().split('\n');
  const kept = [
    ...rows.filter((row) => row.endsWith(',1,audit')).slice(0, 6),
    ...rows.filter((row) => row.endsWith(',0,audit')).slice(0, 6),
  ];
  for (const row of kept) fs.copyFileSync(path.join(latentKit, row.split(',')[1]!), path.join(folder, row.split(',')[1]!));
  const manifest = path.join(folder, 'manifest.csv');
  fs.writeFileSync(manifest, `${[header, ...kept].join('\n')}\n`);
  const { backend } = createTestBackend(path.dirname(workspaceFile), path.basename(workspaceFile));
  try {
    const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: manifest, name: 'latent records' });
    if (!dataset.ok) throw new Error(dataset.error.message);
    return (dataset.data as { dataset: { id: number } }).dataset.id;
  } finally {
    await backend.idle();
    backend.close();
  }
}

const test = base.extend<{ world: VariationWorld }>({
  world: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; it has none
    async ({}, use) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-variations-'));
      const workspaceFile = path.join(dir, 'workspace.sqlite');
      // The CLI's own starter (npm run demo:remote uses it too): `mia serve --port 0`, its URL and token line read back.
      const server = startServeProcess(serveConfig);
      try {
        const served = await server.ready;
        const datasetId = await importRecords(path.join(dir, 'records'), workspaceFile);
        const host = await startHeadlessHostProcess(workspaceFile, {
          ...process.env,
          MIA_CONFIG_DIR: path.join(dir, 'config'),
          [tokenVariable]: served.token,
        });
        await use({ url: served.url, token: served.token, hostUrl: host.url, datasetId });
        await host.stop();
      } finally {
        await server.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    { scope: 'test' },
  ],
});

test('disables the attacks an image-variation target cannot serve, and runs ReDiffuse on it', async ({ page, world }, testInfo) => {
  test.setTimeout(300_000);
  await page.goto(world.hostUrl);
  await page.getByTestId('nav-models').click();
  // A workspace without models opens the import form by itself.
  await page.getByTestId('model-what').selectOption('remote-variation');
  await page.getByTestId('remote-url').fill(world.url);
  await page.getByTestId('remote-variations-model').fill('latent-diffusion');
  await page.getByTestId('remote-key-source').selectOption('variable');
  await page.getByTestId('remote-key-env').fill(tokenVariable);
  await page.getByTestId('model-name').fill('variation API');
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-done')).toContainText(`served at ${new URL(world.url).host}`, { timeout: 60_000 });
  const row = page.getByTestId('models-table').locator('tr', { hasText: 'variation API' });
  const targetId = Number((await row.getAttribute('data-testid'))?.replace('model-row-', ''));

  await page.getByTestId('nav-new-run').click();
  await page.getByTestId('run-target').selectOption(String(targetId));
  await page.getByTestId('run-dataset').selectOption(String(world.datasetId));
  for (const attack of ruledOut) {
    await expect(page.getByTestId(`attack-${attack}`)).toBeDisabled();
    await expect(page.getByTestId(`attack-unavailable-${attack}`)).toHaveText(reason);
  }
  await expect(page.getByTestId('attack-rediffuse')).toBeEnabled();
  await expect(page.getByTestId('attack-unavailable-rediffuse')).toHaveCount(0);
  // The attack list as the auditor meets it, before anything is ticked (the view scrolls inside its pane).
  await page.locator('fieldset.attacks').screenshot({ path: testInfo.outputPath('new-run-variation-attacks.png') });

  // ReDiffuse as on DALL-E 2, scaled to the demo: n = 2 variations per record at the demo's 28 × 28 pixels.
  await page.getByTestId('attack-rediffuse').check();
  const params = page.getByTestId('params-rediffuse');
  await params.getByTestId('param-repeats').locator('input').fill('2');
  await params.getByTestId('param-variationSize').locator('input').fill('28');
  await expect(page.getByTestId('estimate-rediffuse')).toContainText('image_variation 12', { timeout: 30_000 });
  await page.getByTestId('new-run-view').screenshot({ path: testInfo.outputPath('new-run-variation-target.png') });

  await page.getByTestId('start-runs').click();
  await page.waitForURL(/[?&]run=\d+/, { timeout: 60_000 });
  const runId = Number(/[?&]run=(\d+)/.exec(page.url())![1]);
  await expect(page.getByTestId(`run-status-${runId}`)).toHaveText('finished', { timeout: 240_000 });
  await expect(page.getByTestId(`run-auc-${runId}`)).toHaveText(/^\d\.\d+$/);
  expect(await page.content()).not.toContain(world.token);
});
