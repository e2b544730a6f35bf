// The auditor's demo path in a real browser against the headless host: import the classifier demo kit (dataset
// manifest, target, reference set), run the loss attack and LiRA, follow progress to the end, compare the two
// runs, open the drill-down — with a screenshot of each view — and check that every number in the compare table
// is the workspace's stored metric, written with three decimals.
import type { Page } from '@playwright/test';
import { kitManifest, kitReferenceManifest, kitTarget } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';
import { storedMetrics, type StoredMetric } from './workspace-reader';

/** The compare table's rows, top to bottom, by stored metric name. */
const compareRows = ['auc', 'tpr@0.001', 'tpr@0.01', 'tpr@0.1', 'balanced_accuracy', 'advantage'];

/**
 * What a compare cell must read, written out here rather than taken from the app's formatters: three decimals, "n/a"
 * for a value that could not be measured (with no interval under it), and "low–high" for the 95 % interval.
 */
function expectedCell(stored: readonly StoredMetric[], name: string): { value: string; interval: string } {
  const row = stored.find((m) => m.name === name && m.slice === '');
  if (row?.value === null || row?.value === undefined) return { value: 'n/a', interval: '' };
  const interval = row.ciLow === null || row.ciHigh === null ? 'n/a' : `${row.ciLow.toFixed(3)}–${row.ciHigh.toFixed(3)}`;
  return { value: row.value.toFixed(3), interval };
}

async function go(page: Page, name: string, view: string): Promise<void> {
  await page.getByTestId(`nav-${name}`).click();
  await expect(page.getByTestId(view)).toBeVisible();
}

test('walks the demo path: import, loss and LiRA runs, compare, drill-down', async ({ page, host }, testInfo) => {
  test.setTimeout(240_000);
  const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: false });
  await page.goto(host.url);
  await expect(page.getByTestId('datasets-view')).toBeVisible();

  // Dataset: the import form opens by itself on an empty workspace.
  await page.getByTestId('dataset-path').fill(kitManifest);
  await page.getByTestId('dataset-name').fill('demo classifier');
  await page.getByTestId('dataset-import').click();
  await expect(page.getByTestId('datasets-table')).toContainText('demo classifier', { timeout: 90_000 });
  // resources/demo/classifier/manifest.csv: 1,000 audit, 200 calibration, 1,000 population and 2,400 aux records.
  await expect(page.getByTestId('record-counts')).toContainText('4,600');
  await expect(page.getByTestId('record-tile').first().locator('img')).toBeVisible();
  // Virtualised: a few rows of tiles are in the DOM, not 4,600.
  expect(await page.getByTestId('record-tile').count()).toBeLessThan(200);
  await shot('datasets');

  // Models: the target, then the reference set by its manifest.
  await go(page, 'models', 'models-view');
  await page.getByTestId('model-modelPath').fill(kitTarget);
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-done')).toContainText('Imported target', { timeout: 60_000 });
  await page.getByTestId('model-what').selectOption('reference-set');
  await page.getByTestId('model-manifestPath').fill(kitReferenceManifest);
  await page.getByTestId('model-import').click();
  await expect(page.getByTestId('model-import-done')).toContainText('reference models', { timeout: 90_000 });
  await expect(page.getByTestId('sets-table')).toContainText('reference');
  await page.getByTestId('models-table').getByRole('button', { name: 'Details' }).first().click();
  await expect(page.getByTestId('model-details')).toContainText('pixel_values');
  await page.getByTestId('check-model').click();
  await expect(page.getByTestId('check-verdict')).toHaveText('fits');
  await shot('models');

  // New run: loss and LiRA together, with the estimate shown before Start.
  await go(page, 'new-run', 'new-run-view');
  await page.getByTestId('attack-loss').check();
  await page.getByTestId('attack-lira').check();
  // The loss attack scores each audit and calibration record once.
  await expect(page.getByTestId('estimate-loss')).toContainText('Estimated 1,200 model calls');
  await expect(page.getByTestId('estimate-lira')).toContainText('reference models');
  await expect(page.getByTestId('params-lira').getByLabel('variant')).toHaveValue('online');
  await shot('new-run');
  await page.getByTestId('start-runs').click();

  // Runs: follow both to the end.
  await expect(page.getByTestId('runs-view')).toBeVisible({ timeout: 60_000 });
  const rows = page.getByTestId('runs-table').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  // Live progress is best caught while LiRA scores its reference models; a fast machine may finish first.
  if (
    await page
      .getByTestId('run-progress')
      .first()
      .isVisible({ timeout: 0 })
      .catch(() => false)
  )
    await shot('runs-progress');
  const statuses = page.getByTestId('runs-table').locator('[data-testid^="run-status-"]');
  await expect(statuses.first()).toHaveText('finished', { timeout: 150_000 });
  await expect(statuses.nth(1)).toHaveText('finished', { timeout: 150_000 });
  // The newest run (LiRA) in the details panel: metrics, checks and its log notes.
  await page.getByTestId('runs-table').getByRole('button', { name: 'Details' }).first().click();
  await expect(page.getByTestId('run-details')).toContainText('lira');
  await expect(page.getByTestId('run-details')).toContainText('Validity checks');
  await expect(page.getByTestId('run-log')).toContainText('reference models');
  // The ε lower bound is shown with its δ, confidence, guesses and method, and with the limit of what it says.
  await expect(page.getByTestId('epsilon-qualifiers')).toContainText('δ = 1e-5 · 95 % confidence · 1,000 guesses');
  await expect(page.getByTestId('epsilon-limit')).toContainText('only when membership was randomised');
  await shot('runs');

  // Compare the two finished runs.
  await page.getByTestId('runs-table').getByRole('checkbox').first().check();
  await page.getByTestId('runs-table').getByRole('checkbox').nth(1).check();
  await page.getByTestId('compare-picked').click();
  await expect(page.getByTestId('compare-table')).toBeVisible();
  await expect(page.getByTestId('roc-chart').locator('svg')).toBeVisible();
  await expect(page.getByTestId('roc-chart')).toContainText('Chance');
  expect(await page.getByTestId('roc-chart').locator('svg path').count()).toBeGreaterThan(10);
  await expect(page.locator('[data-testid^="validity-"]').first()).toContainText('Polarity');
  await shot('compare');

  // Every number in the compare table is the stored metric, with three decimals.
  const runIds = await page
    .locator('[data-testid^="compare-head-"]')
    .evaluateAll((heads) => heads.map((h) => Number(h.getAttribute('data-testid')!.split('-').pop())));
  expect(runIds).toHaveLength(2);
  let checked = 0;
  for (const runId of runIds) {
    const stored = storedMetrics(host.workspaceFile, runId);
    expect(stored.find((m) => m.name === 'auc' && m.slice === '')?.value, `AUC of run ${runId}`).toEqual(expect.any(Number));
    for (const name of compareRows) {
      const cell = page.getByTestId(`cell-${runId}-${name}`);
      const expected = expectedCell(stored, name);
      await expect(cell.getByTestId('cell-value')).toHaveText(expected.value);
      await expect(cell.getByTestId('cell-interval')).toHaveText(expected.interval);
      checked += 1;
    }
  }
  expect(checked).toBe(2 * compareRows.length);
  // The ε row: two decimals (a log-ratio, not a share), its qualifiers under it, and the limit under the table.
  for (const runId of runIds) {
    const epsilon = storedMetrics(host.workspaceFile, runId).find((m) => m.name === 'epsilon_lb' && m.slice === '')?.value;
    expect(epsilon, `ε of run ${runId}`).toEqual(expect.any(Number));
    const cell = page.getByTestId(`cell-${runId}-epsilon_lb`);
    await expect(cell.getByTestId('cell-value')).toHaveText(epsilon!.toFixed(2));
    await expect(cell.getByTestId('cell-interval')).toContainText('δ = 1e-5 · 95 % confidence · 1,000 guesses');
  }
  await expect(page.getByTestId('compare-epsilon-limit')).toContainText('otherwise it describes this model and this data only');

  // Drill-down: the most exposed records of the LiRA run, with thumbnails.
  const liraId = Math.max(...runIds);
  await page.getByTestId(`drill-${liraId}`).click();
  await expect(page.getByTestId('exposed-record').first().locator('img')).toBeVisible();
  expect(await page.getByTestId('exposed-record').count()).toBe(24);
  await page.getByTestId('exposed-records').scrollIntoViewIfNeeded();
  await shot('drill-down');

  // Score histograms and per-class AUC further down the compare view.
  await page.getByTestId('per-class-chart').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('per-class-chart')).toContainText('AUC per class');
  await shot('compare-charts');

  // The same compare view in the dark theme.
  await page.getByTestId('nav-theme').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('compare-table').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.querySelector('.content')?.scrollTo(0, 0));
  await shot('compare-dark');
  for (const [name, view] of [
    ['datasets', 'datasets-view'],
    ['models', 'models-view'],
    ['runs', 'runs-view'],
    ['new-run', 'new-run-view'],
  ] as const) {
    await go(page, name, view);
    if (name === 'datasets') await expect(page.getByTestId('record-tile').first().locator('img')).toBeVisible();
    if (name === 'new-run') await expect(page.getByTestId('run-target')).toHaveValue(/\d+/);
    await shot(`${name}-dark`);
  }
});
