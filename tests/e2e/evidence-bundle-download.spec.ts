// The export panel's "Evidence bundle (signed)" against the headless host: the page names only the runs, the host
// writes one signed bundle privately, and Chromium receives it as a single one-time download that the host's own
// bundle reader accepts, signed by this installation and listing the runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readEvidenceBundle } from '../../src-main/services/evidence/bundle-format';
import { finishedRuns } from './finished-runs';
import { expect, test } from './headless-host-fixture';

test('exports two runs from Compare as one signed evidence bundle download', async ({ page, host }, testInfo) => {
  const kitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-bundle-'));
  try {
    const runIds = await finishedRuns(host.workspaceFile, kitDir);
    await page.goto(host.url);
    await page.goto(`${host.origin}/#/compare?runs=${runIds.join(',')}`);
    const panel = page.getByTestId('report-export');
    await expect(panel).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('export-bundle').check();
    await page.getByTestId('export-button').click();
    const links = page.getByTestId('download-link');
    await expect(links).toHaveCount(1, { timeout: 60_000 });
    await expect(links).toHaveText(`BUNDLE mia-report-runs-${runIds.join('-')}.evidence.tar`);
    await expect(page.getByRole('alert')).toHaveCount(0);
    await panel.screenshot({ path: testInfo.outputPath('evidence-bundle-download.png') });
    const [download] = await Promise.all([page.waitForEvent('download'), links.click()]);
    const saved = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(saved);
    const bundle = readEvidenceBundle(saved);
    expect(bundle.manifest.runIds).toEqual(runIds);
    expect(bundle.manifest.entries.map((entry) => entry.name)).toContain('report.pdf');
    await expect(links).toHaveAttribute('aria-disabled', 'true');
  } finally {
    fs.rmSync(kitDir, { recursive: true, force: true });
  }
});
