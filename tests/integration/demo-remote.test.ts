// `npm run demo:remote` as the built `mia demo-remote`: it starts `mia serve`, audits the demo models through it and
// locally, prints remote and local AUC per attack and exits 0 when they agree; it stops the server and removes its
// temporary workspace when it ends and when it is interrupted; and its agreement rule refuses what does not agree.
// Runs on 20 records per member/role group (`--records 20`) to stay quick; the full demo takes under a minute here.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparisonTable, disagreements } from '../../src-main/cli/commands/demo-remote';
import type { RunHeadline } from '../../src-main/services/run-headline';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const hasBuild = fs.existsSync(path.join(repoRoot, 'out', 'main', 'cli.js'));
const dir = makeTempDir('mia-demo-remote-test-');

interface DemoProcess {
  /** Resolves with the exit code and signal once the demo has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves with the URL the demo's `mia serve` listens on, once it says so. */
  readonly serverUrl: Promise<string>;
  kill(signal: NodeJS.Signals): void;
}

/** The built demo with its own TMPDIR, so the test can see that the temporary workspace is removed. */
function startDemo(tmp: string, args: readonly string[]): DemoProcess {
  fs.mkdirSync(tmp, { recursive: true });
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'mia.js'), 'demo-remote', ...args], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let announce: (url: string) => void = () => undefined;
  const serverUrl = new Promise<string>((resolve) => (announce = resolve));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const match = /mia serve listens on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
    if (match) announce(match[1]!);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { exited, serverUrl, kill: (signal) => child.kill(signal) };
}

/** The demo's temporary folders left in TMPDIR (other libraries put files of their own there). */
const demoFolders = (tmp: string): string[] => fs.readdirSync(tmp).filter((name) => name.startsWith('mia-demo-remote-'));

/** True once nothing accepts a connection at the URL (polled for up to 5 s: the server may be exiting). */
async function refused(url: string): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < 5_000; await new Promise((resolve) => setTimeout(resolve, 100))) {
    try {
      await fetch(`${url}/v2/health/live`, { signal: AbortSignal.timeout(2_000) });
    } catch (error) {
      if (/ECONNREFUSED/.test(String((error as { cause?: unknown }).cause ?? error))) return true;
    }
  }
  return false;
}

describe.skipIf(!hasBuild)('mia demo-remote (built)', () => {
  it('audits through mia serve and locally, prints both AUCs per attack and exits 0 when they agree', async () => {
    const tmp = path.join(dir, 'agree');
    const demo = startDemo(tmp, ['--records', '20']);
    const url = await demo.serverUrl;
    const { code, stdout, stderr } = await demo.exited;
    expect(code, stderr).toBe(0);
    for (const attack of ['loss', 'confidence', 'csa', 'diffusion-loss', 'pia']) {
      // Each deterministic attack: both AUCs with six decimals, equal, and a zero difference.
      expect(stdout).toMatch(new RegExp(`^${attack} .* (\\d\\.\\d{6}) +\\1 +0\\.0e\\+0 +0\\.0e\\+0$`, 'm'));
    }
    expect(stdout).toMatch(/^rediffuse .*\d\.\d{6} +— +— +—$/m);
    expect(stdout).toMatch(/ReDiffuse through the image-variation endpoint is reported as it is/);
    expect(stdout).toMatch(/Remote and local agree within 1e-6 on every deterministic attack/);
    expect(await refused(url), 'mia serve must be stopped when the demo ends').toBe(true);
    expect(demoFolders(tmp), 'the temporary workspace must be removed').toEqual([]);
  }, 180_000);

  it('stops mia serve and removes its workspace when it is interrupted with SIGTERM', async () => {
    const tmp = path.join(dir, 'interrupted');
    const demo = startDemo(tmp, ['--records', '20']);
    const url = await demo.serverUrl;
    demo.kill('SIGTERM');
    const { code, signal, stderr } = await demo.exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    expect(stderr).toMatch(/SIGTERM, stopping mia serve/);
    expect(await refused(url), 'mia serve must be stopped when the demo is interrupted').toBe(true);
    expect(demoFolders(tmp)).toEqual([]);
  }, 120_000);

  it('refuses a bad --records with exit code 2', async () => {
    const { code, stderr } = await startDemo(path.join(dir, 'bad-option'), ['--records', 'lots']).exited;
    expect(code).toBe(2);
    expect(stderr).toMatch(/--records takes a whole number/);
  }, 60_000);
});

describe('the agreement rule of mia demo-remote', () => {
  const headline = (attack: string, auc: number | null, status: RunHeadline['status'] = 'finished'): RunHeadline => ({
    id: 1,
    name: attack,
    attack,
    params: {},
    status,
    target: { id: 1, name: 'Demo target', sha256: '0'.repeat(64) },
    metrics: {
      auc,
      auc_ci: [null, null],
      tpr_at_fpr: { '0.001': null, '0.01': null, '0.1': null },
      balanced_accuracy: null,
      advantage: null,
      epsilon_lb: null,
      gdp_mu: null,
      ppv_at_prior: { prior: 0.01, value: null },
    },
    checks: {},
    ...(status === 'failed' ? { error: { code: 'remote.bad-response', message: 'The server answered nonsense.' } } : {}),
  });

  it('accepts AUCs and scores within 1e-6 and reports a run without a local counterpart as it is', () => {
    const compared = [
      { remote: headline('loss', 0.7000004), local: headline('loss', 0.7), scoreDifference: 1e-7 },
      { remote: headline('rediffuse', 0.8), local: null, scoreDifference: null },
    ];
    expect(disagreements(compared)).toEqual([]);
    expect(comparisonTable(compared)).toMatch(/^rediffuse .*0\.800000 +— +— +—$/m);
  });

  it('refuses AUCs or scores that differ by more than 1e-6, and a run that did not finish, naming each', () => {
    const problems = disagreements([
      { remote: headline('loss', 0.700002), local: headline('loss', 0.7), scoreDifference: 0 },
      { remote: headline('confidence', 0.7), local: headline('confidence', 0.7), scoreDifference: 3e-6 },
      { remote: headline('csa', null, 'failed'), local: headline('csa', 0.8), scoreDifference: null },
      { remote: headline('pia', 0.9), local: headline('pia', 0.9), scoreDifference: Number.POSITIVE_INFINITY },
    ]);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^loss: remote AUC 0\.700002 and local AUC 0\.7 differ/);
    expect(problems[1]).toMatch(/^confidence: per-record scores differ by up to 0\.000003/);
    expect(problems[2]).toMatch(/remote csa run .* failed: The server answered nonsense\. \[remote\.bad-response\]/);
    expect(problems[3]).toMatch(/^pia: per-record scores differ by up to Infinity/);
  });
});
