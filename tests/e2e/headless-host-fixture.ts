// Starts the built headless host (out/main/web.js) on a fresh workspace for each test and hands the
// test its one-time URL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';

export interface HeadlessHostHandle {
  url: string;
  origin: string;
  workspaceFile: string;
}

const repoRoot = path.resolve(__dirname, '..', '..');

export const test = base.extend<{ host: HeadlessHostHandle }>({
  host: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; it has none
    async ({}, use) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-'));
      const workspaceFile = path.join(dir, 'workspace.sqlite');
      const child: ChildProcess = spawn(process.execPath, [path.join(repoRoot, 'out', 'main', 'web.js'), '--workspace', workspaceFile], {
        cwd: repoRoot,
        // Reports exported in a test are signed with a throwaway key, never with the real ~/.config one.
        env: { ...process.env, MIA_CONFIG_DIR: path.join(dir, 'config') },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        const timer = setTimeout(() => reject(new Error(`The headless host printed no URL: ${output}`)), 30_000);
        child.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /Open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`The headless host exited with code ${code}: ${output}`)));
      });
      await use({ url, origin: new URL(url).origin, workspaceFile });
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'test' },
  ],
});

export { expect } from '@playwright/test';
