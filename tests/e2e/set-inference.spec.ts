// Set-level inference in a real browser against the headless host, on the demo diffusion UNet: New run offers it
// disabled, with the reason, for a dataset without suspect and reference records; on the demo's member suspect set it
// picks PIA as the base, shows the real estimate (PIA's 2 calls on each of the 30 suspects and 100 references), starts,
// and run details show the decision with its p-values, effect size, set sizes and the power curve, and no metrics
// table of AUCs; Compare shows a re-run beside it with the test's rows and dashes for the AUCs. The records and the model are imported beforehand through a second backend on the same workspace.
import path from 'node:path';
import { createTestBackend } from '../helpers/in-process-bridge';
import { diffusionKit } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';
import { readWorkspace } from './workspace-reader';

async function importDiffusionKit(workspaceFile: string): Promise<{ targetId: number; plainId: number; suspectsId: number }> {
  const { backend } = createTestBackend(path.dirname(workspaceFile), path.basename(workspaceFile));
  const call = async (channel: string, request: unknown): Promise<{ id?: number; dataset?: { id: number } }> => {
    const result = await backend.router.dispatch(channel, request);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
    return result.data as { id?: number; dataset?: { id: number } };
  };
  try {
    const manifest = (file: string, name: string) =>
      call('datasets.import', { kind: 'manifest-csv', path: path.join(diffusionKit, file), name });
    const plain = await manifest('manifest.csv', 'demo diffusion');
    const suspects = await manifest('manifest-suspects-members.csv', 'diffusion suspects (members)');
    const target = await call('models.import', { kind: 'diffusion', modelPath: path.join(diffusionKit, 'unet.onnx') });
    return { targetId: target.id!, plainId: plain.dataset!.id, suspectsId: suspects.dataset!.id };
  } finally {
    await backend.idle();
    backend.close();
  }
}

test('starts a set-level inference run from New run and reads its p-value and power curve in run details', async ({
  page,
  host,
}, testInfo) => {
  test.setTimeout(180_000);
  const kit = await importDiffusionKit(host.workspaceFile);
  await page.goto(host.url);
  await page.getByTestId('nav-new-run').click();
  await page.getByTestId('run-target').selectOption(String(kit.targetId));

  // The audit dataset has no suspects: offered, disabled, with the reason.
  await page.getByTestId('run-dataset').selectOption(String(kit.plainId));
  await expect(page.getByTestId('run-set-inference')).toBeDisabled();
  await expect(page.getByTestId('set-inference-unavailable')).toContainText('no records with role "suspect"');

  await page.getByTestId('run-dataset').selectOption(String(kit.suspectsId));
  await expect(page.getByTestId('run-set-inference')).toBeEnabled();
  await page.getByTestId('run-set-inference').check();
  await page.getByTestId('set-inference-base').selectOption('pia');
  await expect(page.getByTestId('params-set-inference-pia')).toBeVisible();
  await expect(page.getByTestId('params-set-inference')).toContainText('powerDraws');
  await expect(page.getByTestId('estimate-set-inference')).toContainText('Estimated 260 model calls (130 suspect and reference records)', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('start-runs')).toBeEnabled();
  await page.screenshot({ path: testInfo.outputPath('new-run-set-inference.png'), fullPage: true });

  await page.getByTestId('start-runs').click();
  await expect(page.getByTestId('runs-view')).toBeVisible({ timeout: 60_000 });
  const details = page.getByTestId('run-details');
  await expect(details.getByTestId('details-status')).toHaveText('finished', { timeout: 120_000 });
  await expect(details.getByTestId('set-inference-decision')).toContainText(
    'The suspect set is scored as members more than the reference set: p = ',
  );
  await expect(details.getByTestId('set-inference-p')).toHaveText(/^\d(\.\d+)?e-\d+$|^0\.00\d+$/);
  await expect(details.getByTestId('set-inference-suspects')).toHaveText('30');
  await expect(details.getByTestId('set-inference-references')).toHaveText('100');
  await expect(details.getByTestId('set-inference-effect')).toContainText('a suspect outscores a reference');
  await expect(details.getByTestId('set-inference-power').locator('svg')).toBeVisible();
  await expect(details.getByTestId('set-inference-power')).toContainText('Power over suspect-set size');
  // No empty AUC table for a run that has no AUC.
  await expect(details.getByTestId('details-metrics')).toHaveCount(0);
  await details.getByTestId('set-inference-result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath('run-details-set-inference.png'), fullPage: true });

  // A re-run (same seed, same scores) beside it in Compare: the test's rows, and a dash rather than blank AUCs.
  await details.getByTestId('details-rerun').click();
  const runIds = () => readWorkspace(host.workspaceFile, (db) => db.prepare('SELECT id FROM runs ORDER BY id').all() as { id: number }[]);
  await expect.poll(() => runIds().length, { timeout: 30_000 }).toBe(2);
  const [first, second] = runIds();
  await expect(page.getByTestId(`run-status-${second!.id}`)).toHaveText('finished', { timeout: 120_000 });
  await page.goto(`${host.origin}/#/compare?runs=${first!.id},${second!.id}`);
  const p = await page.getByTestId(`cell-${first!.id}-set-p`).textContent();
  expect(p?.trim()).toMatch(/e-\d+$/);
  await expect(page.getByTestId(`cell-${second!.id}-set-p`)).toHaveText(p!);
  await expect(page.getByTestId(`cell-${first!.id}-set-decision`)).toHaveText('suspects scored as members');
  await expect(page.getByTestId(`cell-${first!.id}-auc`)).toHaveText('—');
  await page.screenshot({ path: testInfo.outputPath('compare-set-inference.png'), fullPage: true });
});
