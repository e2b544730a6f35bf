// The views in both themes against the headless host: the charts and the record grid take their colours from the
// theme's CSS variables (so nothing light shows in the dark theme), screenshots of each view in each theme are kept
// for a person to look at, and the record grid says so when its records cannot be loaded.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startHeadlessHostProcess, type HeadlessHostProcess } from '../helpers/headless-host-process';
import { finishedRuns } from './finished-runs';

let dir = '';
let host: HeadlessHostProcess | null = null;
let origin = '';
let runIds: number[] = [];

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-themes-'));
  const workspaceFile = path.join(dir, 'workspace.sqlite');
  runIds = await finishedRuns(workspaceFile, path.join(dir, 'kit'));
  host = await startHeadlessHostProcess(workspaceFile, { ...process.env, MIA_CONFIG_DIR: path.join(dir, 'config') });
  origin = new URL(host.url).origin;
});
test.afterAll(async () => {
  await host?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The value the page's theme gives a CSS variable, as the browser computes colours (`rgb(…)`). */
async function themeColour(page: Page, variable: string): Promise<string> {
  return page.evaluate((name) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${name})`;
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  }, variable);
}

// One test: the host's token opens one browser session, which then visits every view in both themes.
test("draws the views in both themes with the theme's own colours, and the grid shows why its records did not load", async ({
  page,
}, testInfo) => {
  await page.goto(host!.url);
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((value) => localStorage.setItem('mia.theme', value), theme);

    await page.goto(`${origin}/#/compare?runs=${runIds.join(',')}`);
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    const charts = page.locator('.chart svg');
    await expect(charts.first()).toBeVisible({ timeout: 30_000 });
    // The first run's ROC line is drawn in the theme's first series colour, read from the page's CSS.
    const series = await themeColour(page, '--series-1');
    const strokes = await charts.first().evaluate((svg) => [...svg.querySelectorAll('path')].map((p) => getComputedStyle(p).stroke));
    expect(strokes).toContain(series);
    await page.screenshot({ path: testInfo.outputPath(`compare-${theme}.png`), fullPage: true });

    await page.goto(`${origin}/#/datasets`);
    const tile = page.getByTestId('record-tile').first();
    await expect(tile.locator('img')).toBeVisible({ timeout: 30_000 });
    const dot = page.locator('.dot.m1, .dot.m0').first();
    const memberVariable = (await dot.getAttribute('class'))!.includes('m1') ? '--member' : '--non-member';
    expect(await dot.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(await themeColour(page, memberVariable));
    await page.screenshot({ path: testInfo.outputPath(`datasets-${theme}.png`), fullPage: true });

    await page.goto(`${origin}/#/runs`);
    await expect(page.getByText('entropy').first()).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: testInfo.outputPath(`runs-${theme}.png`), fullPage: true });
  }

  await page.goto(`${origin}/#/datasets`);
  await expect(page.getByTestId('record-tile').first().locator('img')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('grid-error')).toHaveCount(0);
  // The backend goes away; the next page the grid asks for (a new role filter) cannot come.
  await host!.stop();
  host = null;
  await page.getByTestId('grid-role').selectOption('audit');
  await expect(page.getByTestId('grid-error').getByRole('alert')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('grid-total')).toHaveText('not loaded');
  await page.screenshot({ path: testInfo.outputPath('datasets-grid-error.png'), fullPage: true });
});
