// A broken manifest imported through the UI: every problem is listed with its file, line and field, and the
// workspace is left exactly as it was.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classifierKit } from './demo-kit-paths';
import { expect, test } from './headless-host-fixture';
import { tableCounts } from './workspace-reader';

function writeBrokenManifest(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-broken-'));
  fs.mkdirSync(path.join(dir, 'images'));
  const images = fs
    .readdirSync(path.join(classifierKit, 'images'))
    .filter((name) => name.endsWith('.png'))
    .slice(0, 2);
  images.forEach((name, i) => fs.copyFileSync(path.join(classifierKit, 'images', name), path.join(dir, 'images', `ok-${i}.png`)));
  const rows = [
    'id,path,label,caption,member,role',
    'r1,images/ok-0.png,1,,1,audit',
    'r2,images/not-there.png,2,,0,audit',
    'r3,images/ok-1.png,3,,1,auditor',
  ];
  fs.writeFileSync(path.join(dir, 'manifest.csv'), rows.join('\n') + '\n');
  return dir;
}

test('lists every problem of a broken manifest and leaves the workspace unchanged', async ({ page, host }, testInfo) => {
  const dir = writeBrokenManifest();
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('datasets-empty')).toBeVisible();
    const before = tableCounts(host.workspaceFile);
    await page.getByTestId('dataset-path').fill(path.join(dir, 'manifest.csv'));
    await page.getByTestId('dataset-import').click();

    const issues = page.getByTestId('import-issue');
    await expect(issues).toHaveCount(2, { timeout: 30_000 });
    await expect(page.getByTestId('import-error')).toContainText('nothing was imported');
    const missing = issues.filter({ hasText: 'not-there.png' });
    await expect(missing).toHaveCount(1);
    await expect(missing.locator('td').nth(3)).toHaveText('3');
    const badRole = issues.filter({ hasText: 'auditor' });
    await expect(badRole).toHaveCount(1);
    await expect(badRole.locator('td').nth(3)).toHaveText('4');
    await expect(badRole.locator('td').nth(4)).toHaveText('role');
    for (const code of await issues.locator('td:first-child code').allTextContents()) expect(code).toMatch(/^dataset\./);
    await page.screenshot({ path: testInfo.outputPath('import-errors.png') });

    await expect(page.getByTestId('datasets-empty')).toBeVisible();
    expect(tableCounts(host.workspaceFile)).toEqual(before);
    expect(before.datasets).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
