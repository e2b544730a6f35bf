// tools/setup.sh's package detection, run for real in `--check` mode (which installs nothing and runs no npm): what
// it reports missing, and the apt-get line it prints for a person to run.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const script = path.join(repoRoot, 'tools', 'setup.sh');
/** Where a command lives on this machine, found through the shell as the script itself would find it. */
const located = (command: string) => execFileSync('bash', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim();

function check(env: NodeJS.ProcessEnv): { status: number | null; stdout: string } {
  const run = spawnSync(located('bash'), [script, '--check'], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stdout: run.stdout };
}

describe('tools/setup.sh --check', () => {
  test('names a package it was told is missing and prints the apt-get line that installs it, exiting 1', () => {
    const { status, stdout } = check({ ...process.env, MIA_SETUP_ASSUME_MISSING: 'mia-no-such-package' });
    expect(status).toBe(1);
    expect(stdout).toMatch(/^Debian packages missing: .*mia-no-such-package$/m);
    expect(stdout).toMatch(/^Install them with: sudo apt-get install -y [a-z0-9 .+-]*mia-no-such-package$/m);
  });

  test('finds chromium and poppler-utils missing when their commands are not on PATH', () => {
    // A PATH holding only `dirname` (the script uses it to find the repository): no chromium, no pdftoppm.
    const bin = makeTempDir('mia-setup-path-');
    fs.symlinkSync(located('dirname'), path.join(bin, 'dirname'));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
    delete env.MIA_CHROMIUM;
    delete env.MIA_SETUP_ASSUME_MISSING;
    const { status, stdout } = check(env);
    expect(status).toBe(1);
    const line = /^Install them with: sudo apt-get install -y (.*)$/m.exec(stdout)?.[1].split(' ') ?? [];
    expect(line).toEqual(expect.arrayContaining(['chromium', 'poppler-utils']));
  });

  test('refuses an option it does not know, with exit status 2', () => {
    const run = spawnSync(located('bash'), [script, '--install-everything'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown option '--install-everything'");
  });
});
