// The browser's report export against the headless host: the Compare view asks for an export without naming any
// folder, the host prepares the files privately, and each arrives in Chromium as a real download (the PDF report,
// the CSVs, their signatures) whose bytes match what the host announced; a link works once.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finishedRuns } from './finished-runs';
import { expect, test } from './headless-host-fixture';

test('exports two runs from Compare as one-time browser downloads', async ({ page, host }, testInfo) => {
  const kitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-download-'));
  try {
    const runIds = await finishedRuns(host.workspaceFile, kitDir);
    await page.goto(host.url);
    await page.goto(`${host.origin}/#/compare?runs=${runIds.join(',')}`);
    const panel = page.getByTestId('report-export');
    await expect(panel).toBeVisible({ timeout: 30_000 });
    await page.getByTestId('export-title').fill('Browser export');
    await page.getByTestId('export-button').click();
    const links = page.getByTestId('download-link');
    await expect(links).toHaveCount(6, { timeout: 60_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);

    const base = `mia-report-runs-${runIds.join('-')}`;
    const received: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const [download] = await Promise.all([page.waitForEvent('download'), links.nth(i).click()]);
      const saved = testInfo.outputPath(download.suggestedFilename());
      await download.saveAs(saved);
      received.push(download.suggestedFilename());
      const bytes = fs.readFileSync(saved);
      if (download.suggestedFilename().endsWith('.pdf')) expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      if (download.suggestedFilename().endsWith('.scores.csv')) expect(bytes.toString('utf8')).toContain(`${runIds[0]}`);
      // The link is spent: the page marks it, and the host no longer has the file.
      await expect(links.nth(i)).toHaveAttribute('aria-disabled', 'true');
      const href = (await links.nth(i).getAttribute('href'))!;
      expect((await page.request.get(`${host.origin}${href}`)).status()).toBe(404);
    }
    const names = [`${base}.pdf`, `${base}.scores.csv`, `${base}.scores.metrics.csv`];
    expect(received.sort()).toEqual([...names, ...names.map((name) => `${name}.sig`)].sort());
    // Each downloaded file is the one its downloaded signature names, byte for byte.
    for (const name of names) {
      const signature = JSON.parse(fs.readFileSync(testInfo.outputPath(`${name}.sig`), 'utf8')) as { sha256: string };
      expect(
        createHash('sha256')
          .update(fs.readFileSync(testInfo.outputPath(name)))
          .digest('hex'),
      ).toBe(signature.sha256);
    }
    await panel.screenshot({ path: testInfo.outputPath('report-download.png') });
  } finally {
    fs.rmSync(kitDir, { recursive: true, force: true });
  }
});
