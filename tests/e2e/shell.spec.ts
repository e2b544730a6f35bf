// The renderer shell in a real browser against the real backend behind the headless host.
import { expect, test } from './headless-host-fixture';

test('opens the workspace and shows its (empty) datasets through the real backend', async ({ page, host }, testInfo) => {
  const outside: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(host.origin) && !request.url().startsWith(host.origin.replace('http', 'ws'))) outside.push(request.url());
  });
  await page.goto(host.url);
  await expect(page.getByTestId('datasets-view')).toBeVisible();
  await expect(page.getByTestId('datasets-empty')).toHaveText(/no datasets yet/);
  await page.screenshot({ path: testInfo.outputPath('datasets-empty.png'), fullPage: true });
  expect(outside).toEqual([]);
});

test('refuses a browser that has no token', async ({ page, host }) => {
  const response = await page.goto(host.origin + '/');
  expect(response?.status()).toBe(403);
  await expect(page.locator('body')).toContainText('one-time token');
});

test('moves between the views by keyboard and switches to the dark theme', async ({ page, host }, testInfo) => {
  await page.goto(host.url);
  await expect(page.getByTestId('datasets-view')).toBeVisible();
  for (const [name, view] of [
    ['models', 'models-view'],
    ['runs', 'runs-view'],
    ['compare', 'compare-view'],
    ['settings', 'settings-view'],
  ] as const) {
    await page.getByTestId(`nav-${name}`).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(view)).toBeVisible();
  }
  await expect(page.getByText(host.workspaceFile).first()).toBeVisible();
  await page.getByTestId('toggle-theme').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: testInfo.outputPath('settings-dark.png'), fullPage: true });
});
