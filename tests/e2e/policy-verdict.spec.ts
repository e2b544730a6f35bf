// The risk policy's verdict per target in the Runs view, on the demo classifier's leaky target and its regularised
// twin (one loss run each, written by a second front door before the page opens): a bad policy file shows its error
// without breaking the view, the demo's strict policy fails the target and passes the twin; the prior set in Settings
// names the precision row of run details; New run refuses a δ outside (0, 0.1].
import fs from 'node:fs';
import path from 'node:path';
import { importDataset } from '../../src-main/services/dataset-import';
import { importClassifier } from '../../src-main/services/model-import';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { classifierKit, hasClassifierKit } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';

/** Where the screenshots of the changed views go, for a person to look at (`MIA_SHOTS=folder`). */
const shots = process.env.MIA_SHOTS;

async function demoRuns(workspaceFile: string): Promise<{ leaky: number; twin: number; leakyRun: number; twinRun: number }> {
  const { backend } = createTestBackend(path.dirname(workspaceFile), path.basename(workspaceFile));
  try {
    const { dataset } = await importDataset(backend.db, {
      kind: 'manifest-csv',
      path: path.join(classifierKit, 'manifest.csv'),
      name: 'demo',
    });
    const leaky = await importClassifier(backend.db, {
      kind: 'classifier',
      modelPath: path.join(classifierKit, 'target.onnx'),
      name: 'leaky',
    });
    const twin = await importClassifier(backend.db, { kind: 'classifier', modelPath: path.join(classifierKit, 'twin.onnx'), name: 'twin' });
    const leakyRun = await runToEnd(backend, { attack: 'loss', targetModelId: leaky.id, datasetId: dataset.id, seed: 1 });
    const twinRun = await runToEnd(backend, { attack: 'loss', targetModelId: twin.id, datasetId: dataset.id, seed: 1 });
    return { leaky: leaky.id, twin: twin.id, leakyRun: leakyRun.id, twinRun: twinRun.id };
  } finally {
    await backend.idle();
    backend.close();
  }
}

test.skip(!hasClassifierKit, 'needs the committed classifier demo kit');

test('shows PASS/FAIL per target for the chosen policy, and a bad policy as its error', async ({ page, host }) => {
  const { leaky, twin, leakyRun, twinRun } = await demoRuns(host.workspaceFile);
  const bad = path.join(path.dirname(host.workspaceFile), 'bad-policy.yaml');
  fs.writeFileSync(bad, 'rules:\n  - rule: auc <= 0.6\n  - rule: auc <= 0.6 or 1\n');
  await page.goto(host.url);
  await page.goto(`${host.origin}/#/runs`);
  const panel = page.getByTestId('policy-verdicts');
  await expect(panel.getByTestId('policy-summary')).toContainText('none set', { timeout: 30_000 });
  await panel.getByTestId('policy-summary').click();
  await expect(panel.getByTestId('policy-none')).toBeVisible();

  await page.getByTestId('policy-path').fill(bad);
  await page.getByTestId('policy-use').click();
  const error = panel.getByTestId('policy-error');
  await expect(error).toContainText(bad);
  await expect(error).toContainText('rules.1.rule: expected a single number after auc <=');
  await expect(error).toContainText('config.invalid-policy');
  // The rest of the view carries on.
  await expect(page.getByTestId(`run-row-${leakyRun}`)).toBeVisible();
  if (shots) await panel.screenshot({ path: path.join(shots, 'runs-policy-error.png') });

  await page.getByTestId('policy-path').fill(path.join(classifierKit, 'policy.yaml'));
  await page.getByTestId('policy-use').click();
  await expect(panel.getByTestId(`policy-status-${leaky}`)).toHaveText('FAIL (policy "Demo strict policy")');
  await expect(panel.getByTestId(`policy-status-${twin}`)).toHaveText('PASS (policy "Demo strict policy")');
  const leakyRows = panel.getByTestId(`policy-target-${leaky}`).locator('tbody tr');
  await expect(leakyRows.filter({ hasText: 'auc <= 0.63' })).toContainText('FAIL');
  await expect(leakyRows.filter({ hasText: 'auc <= 0.63' })).toContainText(`#${leakyRun} loss`);
  await expect(panel.getByTestId(`policy-target-${twin}`).locator('tbody tr').filter({ hasText: 'auc <= 0.63' })).toContainText('pass');
  if (shots) await panel.screenshot({ path: path.join(shots, 'runs-policy-verdict.png') });

  // The choice is a workspace setting: it is still there after a reload.
  await page.reload();
  // Folded, the summary line still says each target's verdict.
  await expect(page.getByTestId(`policy-badge-${leaky}`)).toHaveText('leaky: FAIL', { timeout: 30_000 });
  await expect(page.getByTestId(`policy-badge-${twin}`)).toHaveText('twin: PASS');
  if (shots) await page.getByTestId('runs-view').screenshot({ path: path.join(shots, 'runs-policy-folded.png') });

  // Compare offers the verdict for the PDF's first page, and states precision at the workspace's prior.
  await page.goto(`${host.origin}/#/compare?runs=${leakyRun},${twinRun}`);
  await expect(page.getByTestId('export-with-verdict')).toBeChecked({ timeout: 30_000 });
  await expect(page.getByTestId('compare-precision-at-prior')).toContainText('Precision if 1 % of people were members');
  if (shots) await page.getByTestId('compare-table').screenshot({ path: path.join(shots, 'compare-precision-at-prior.png') });
});

test('the prior set in Settings names the precision row, and New run refuses a δ above 0.1', async ({ page, host }) => {
  const { leakyRun } = await demoRuns(host.workspaceFile);
  await page.goto(host.url);
  await page.goto(`${host.origin}/#/settings`);
  await expect(page.getByTestId('member-prior')).toHaveValue('1', { timeout: 30_000 });
  await page.getByTestId('member-prior').fill('5');
  await page.getByTestId('member-prior-save').click();
  await expect(page.getByTestId('member-prior-saved')).toContainText('5 %');
  if (shots) await page.getByTestId('member-prior-settings').screenshot({ path: path.join(shots, 'settings-prior.png') });

  await page.goto(`${host.origin}/#/runs?run=${leakyRun}`);
  const row = page.getByTestId('precision-at-prior');
  await expect(row).toContainText('Precision if 5 % of people were members', { timeout: 30_000 });
  await expect(row.getByTestId('precision-at-prior-value')).toHaveText(/^\d+(\.\d+)? %$/);
  if (shots) {
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'run-details-prior.png') });
  }

  await page.goto(`${host.origin}/#/runs/new`);
  await page.getByTestId('run-delta').fill('0.5');
  await expect(page.getByTestId('run-delta-error')).toContainText('must be at most 0.1 (e.g. 1e-5');
  if (shots)
    await page
      .getByTestId('run-delta')
      .locator('..')
      .screenshot({ path: path.join(shots, 'new-run-delta.png') });
});
