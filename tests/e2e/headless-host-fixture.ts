// Starts the built headless host (out/main/web.js) on a fresh workspace for each test and hands the
// test its one-time URL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
import { startHeadlessHostProcess } from '../helpers/headless-host-process';

export interface HeadlessHostHandle {
  url: string;
  origin: string;
  workspaceFile: string;
}

export const test = base.extend<{ host: HeadlessHostHandle }>({
  host: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; it has none
    async ({}, use) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-'));
      const workspaceFile = path.join(dir, 'workspace.sqlite');
      // Reports exported in a test are signed with a throwaway key, never with the real ~/.config one.
      const host = await startHeadlessHostProcess(workspaceFile, { ...process.env, MIA_CONFIG_DIR: path.join(dir, 'config') });
      await use({ url: host.url, origin: new URL(host.url).origin, workspaceFile });
      await host.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'test' },
  ],
});

export { expect } from '@playwright/test';
