// The `mia` command line through its built entry, as a user runs it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir();
const mia = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, MIA_WORKSPACE: '' },
  });

describe('mia command line', () => {
  it('prints usage with --help and exits 0', () => {
    const result = mia('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/mia workspace info/);
    expect(result.stdout).toMatch(/mia plan --config FILE --purpose shadow\|reference --out DIR/);
    expect(result.stdout).not.toContain('${');
  });

  it('describes a new workspace as JSON', () => {
    const file = path.join(dir, 'cli.sqlite');
    const result = mia('workspace', 'info', '--workspace', file, '--json');
    expect(result.status).toBe(0);
    const info = JSON.parse(result.stdout) as { path: string; schemaVersion: number; counts: Record<string, number> };
    expect(info.path).toBe(file);
    expect(info.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(info.counts).toEqual({ datasets: 0, records: 0, models: 0, runs: 0 });
  });

  it('exits 2 on an unknown command or option, naming it', () => {
    const unknown = mia('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);
    const badOption = mia('workspace', 'info', '--wrkspace', 'x');
    expect(badOption.status).toBe(2);
    expect(badOption.stderr).toMatch(/wrkspace/);
  });
});
