// Tidying the workspace in a real browser against the headless host: a dataset is renamed from its Datasets panel
// (the table shows the new name), and deleting a model that runs used is refused under the model's actions with
// the names of those runs; the model stays. A finished run is then deleted from its details panel. The workspace
// holds two finished tiny-kit runs (loss and entropy).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finishedRuns } from './finished-runs';
import { expect, test } from './headless-host-fixture';
import { readWorkspace } from './workspace-reader';

test('renames a dataset; a used model cannot be deleted (the refusal names its runs); a finished run is deleted', async ({
  page,
  host,
}, testInfo) => {
  const kitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-tidy-'));
  try {
    const runIds = await finishedRuns(host.workspaceFile, kitDir);
    const { datasetId, targetId, runNames } = readWorkspace(host.workspaceFile, (db) => {
      const runs = db
        .prepare(`SELECT name, dataset_id, target_model_id FROM runs WHERE id IN (${runIds.join(', ')}) ORDER BY id`)
        .all() as {
        name: string;
        dataset_id: number;
        target_model_id: number;
      }[];
      return { datasetId: runs[0]!.dataset_id, targetId: runs[0]!.target_model_id, runNames: runs.map((run) => run.name) };
    });
    await page.goto(host.url);

    await page.goto(`${host.origin}/#/datasets`);
    await page.getByTestId(`dataset-show-${datasetId}`).click();
    const datasetActions = page.getByTestId('dataset-tidy');
    await datasetActions.getByTestId('dataset-tidy-name').fill('  tiny audit set ');
    await datasetActions.getByTestId('dataset-tidy-rename').click();
    await expect(page.getByTestId(`dataset-row-${datasetId}`)).toContainText('tiny audit set', { timeout: 30_000 });
    await expect(page.getByTestId('dataset-detail').locator('h2')).toHaveText('tiny audit set');

    await page.goto(`${host.origin}/#/models`);
    await page.getByTestId(`model-details-${targetId}`).click();
    const modelActions = page.getByTestId('model-tidy');
    await modelActions.getByTestId('model-tidy-delete').click();
    await modelActions.getByTestId('model-tidy-confirm-delete').click();
    const refusal = modelActions.getByTestId('model-tidy-error');
    await expect(refusal).toContainText('model.in-use', { timeout: 30_000 });
    for (const name of runNames) await expect(refusal).toContainText(`'${name}'`);
    await expect(page.getByTestId(`model-row-${targetId}`)).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('workspace-tidy-refusal.png') });

    // A finished run is deleted from its details panel after a confirmation; the other run and its model stay.
    const [deletedRun, keptRun] = runIds as [number, number];
    await page.goto(`${host.origin}/#/runs?run=${deletedRun}`);
    const details = page.getByTestId('run-details');
    await details.getByTestId('details-delete').click({ timeout: 30_000 });
    await details.getByTestId('details-keep').click();
    await expect(page.getByTestId(`run-row-${deletedRun}`)).toBeVisible();
    await details.getByTestId('details-delete').click();
    await details.getByTestId('details-confirm-delete').click();
    await expect(page.getByTestId(`run-row-${deletedRun}`)).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId(`run-row-${keptRun}`)).toBeVisible();
    const left = readWorkspace(host.workspaceFile, (db) => ({
      runs: (db.prepare('SELECT id FROM runs ORDER BY id').all() as { id: number }[]).map((row) => row.id),
      scores: (db.prepare('SELECT COUNT(*) AS n FROM scores WHERE run_id = ?').get(deletedRun) as { n: number }).n,
    }));
    expect(left).toEqual({ runs: [keptRun], scores: 0 });
  } finally {
    fs.rmSync(kitDir, { recursive: true, force: true });
  }
});
