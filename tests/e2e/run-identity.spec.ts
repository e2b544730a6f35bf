// Run identity in the Runs view, against the headless host: the table sorts by a clicked header (aria-sort follows),
// the filter box narrows it by name, attack, tag or status, and a run renamed and tagged in its details panel shows
// its new name in the table and in Compare; AUC shows (and sorts) for a run whose details were never opened. The
// workspace holds two finished tiny-kit runs (loss and entropy).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finishedRuns } from './finished-runs';
import { expect, test } from './headless-host-fixture';

test('sorts, filters and renames runs; the new name shows in the table and in Compare', async ({ page, host }, testInfo) => {
  const kitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-identity-'));
  try {
    const [lossId, entropyId] = (await finishedRuns(host.workspaceFile, kitDir)) as [number, number];
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.goto(host.url);
    await page.goto(`${host.origin}/#/runs?run=${lossId}`);
    const table = page.getByTestId('runs-table');
    const rowIds = async () =>
      (await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-testid')))).map((id) =>
        Number(id?.replace('run-row-', '')),
      );
    await expect(table.locator('tbody tr')).toHaveCount(2, { timeout: 30_000 });

    // Attack: entropy before loss ascending, the other way round descending; the header says which.
    const attackHeader = table.locator('th', { has: page.getByTestId('sort-attack') });
    await expect(attackHeader).toHaveAttribute('aria-sort', 'none');
    await page.getByTestId('sort-attack').click();
    await expect(attackHeader).toHaveAttribute('aria-sort', 'ascending');
    await expect.poll(rowIds).toEqual([entropyId, lossId]);
    await page.getByTestId('sort-attack').click();
    await expect(attackHeader).toHaveAttribute('aria-sort', 'descending');
    await expect.poll(rowIds).toEqual([lossId, entropyId]);

    // AUC and TPR@1 % come with the run list: the entropy run's details were never opened, yet its row shows them,
    // and sorting by AUC orders every row by the figure it shows.
    await expect(page.getByTestId(`run-auc-${entropyId}`)).toHaveText(/^\d\.\d+$/);
    await expect(page.getByTestId(`run-auc-${lossId}`)).toHaveText(/^\d\.\d+$/);
    const shownAucs = async () => (await table.locator('[data-testid^="run-auc-"]').allTextContents()).map(Number);
    const aucHeader = table.locator('th', { has: page.getByTestId('sort-auc') });
    await page.getByTestId('sort-auc').click();
    await expect(aucHeader).toHaveAttribute('aria-sort', 'ascending');
    await expect.poll(shownAucs).toEqual((await shownAucs()).sort((a, b) => a - b));
    await page.getByTestId('sort-auc').click();
    await expect(aucHeader).toHaveAttribute('aria-sort', 'descending');
    await expect.poll(shownAucs).toEqual((await shownAucs()).sort((a, b) => b - a));
    // The loss and entropy runs use their attacks' defaults: the parameters column names none.
    await expect(page.getByTestId(`run-params-${lossId}`)).toHaveText('');

    // Rename and tag the loss run in its details panel.
    const details = page.getByTestId('run-details');
    await expect(details.getByTestId('run-name-input')).toBeVisible({ timeout: 30_000 });
    await details.getByTestId('run-name-input').fill('Baseline loss audit');
    await details.getByTestId('run-tags-input').fill('baseline, q3');
    await details.getByTestId('run-identity-save').click();
    await expect(details.getByTestId('run-identity-saved')).toBeVisible();
    await expect(page.getByTestId(`run-name-${lossId}`)).toContainText('Baseline loss audit');
    await expect(page.getByTestId(`run-name-${lossId}`)).toContainText(`#${lossId}`);

    // A refusal shows under the fields, not in the banner.
    await details.getByTestId('run-tags-input').fill('dup, dup');
    await details.getByTestId('run-identity-save').click();
    await expect(details.getByTestId('run-identity-error')).toContainText('distinct');

    // The filter: by tag, by attack, by status, and nothing.
    const filter = page.getByTestId('runs-filter');
    await filter.fill('q3');
    await expect.poll(rowIds).toEqual([lossId]);
    await filter.fill('ENTROPY');
    await expect.poll(rowIds).toEqual([entropyId]);
    await filter.fill('finished');
    await expect(table.locator('tbody tr')).toHaveCount(2);
    await filter.fill('no such run');
    await expect(page.getByTestId('runs-filter-empty')).toBeVisible();
    await filter.fill('');
    await page.screenshot({ path: testInfo.outputPath('run-identity-1024.png') });

    await page.goto(`${host.origin}/#/compare?runs=${lossId},${entropyId}`);
    await expect(page.getByTestId(`compare-head-${lossId}`)).toHaveAttribute('title', 'Baseline loss audit', { timeout: 30_000 });
  } finally {
    fs.rmSync(kitDir, { recursive: true, force: true });
  }
});
