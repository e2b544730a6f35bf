// Processes never outlive their owner: the engine host exits when the process that started it dies, and a live
// backend (as the headless host runs it) notices within seconds that another process's run lost its owner, marks it
// `interrupted`, and can then resume it. Runs on the built CLI and engine host (`npm run build`).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import type { Backend } from '../../src-main/services/backend';
import { getRun } from '../../src-main/workspace/runs-repo';
import { createTestBackend } from '../helpers/in-process-bridge';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const engineEntry = path.join(repoRoot, 'out', 'main', 'engine-host.js');
const cliEntry = path.join(repoRoot, 'bin', 'mia.js');
const hasBuild = fs.existsSync(engineEntry) && fs.existsSync(path.join(repoRoot, 'out', 'main', 'cli.js'));
const demoConfig = path.join(repoRoot, 'resources', 'demo', 'classifier', 'audit.yaml');
const dir = makeTempDir('mia-lifetime-');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** True while the process runs (a zombie waiting for its reaper counts as gone). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Milliseconds until the process is gone, or null if it still runs after `limitMs`. */
async function goneWithin(pid: number, limitMs: number): Promise<number | null> {
  const from = Date.now();
  while (Date.now() - from < limitMs) {
    if (!isRunning(pid)) return Date.now() - from;
    await sleep(50);
  }
  return isRunning(pid) ? null : Date.now() - from;
}

/** User and system CPU time the process has used, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function until<T>(what: string, limitMs: number, probe: () => T | null | undefined): Promise<T> {
  const from = Date.now();
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() - from > limitMs) throw new Error(`Timed out after ${limitMs} ms waiting for ${what}.`);
    await sleep(50);
  }
}

describe.skipIf(!hasBuild || !fs.existsSync('/proc/self/stat'))('the engine host without its parent', () => {
  it('exits within seconds when its parent is killed while it is busy and silent', async () => {
    // A parent that starts the built engine host and gives it a two-minute job that sends nothing until it ends. The
    // host takes messages in order, so the answer to a second, quick ping says the silent job has started.
    const parentScript = `
      const { fork } = require('node:child_process');
      const host = fork(${JSON.stringify(engineEntry)}, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      host.on('message', (m) => {
        if (m.type === 'ready') {
          host.send({ type: 'start', jobId: 'hold', task: { kind: 'ping', echo: 'x', holdMs: 120000 } });
          host.send({ type: 'start', jobId: 'after-hold', task: { kind: 'ping', echo: 'y' } });
        }
        if (m.type === 'result' && m.jobId === 'after-hold') process.stdout.write(String(host.pid) + '\\n');
      });`;
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    started.push(parent);
    const enginePid = Number(
      await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()))),
    );
    expect(isRunning(enginePid), 'the engine host is working').toBe(true);
    parent.kill('SIGKILL');
    const ms = await goneWithin(enginePid, 5_000);
    console.info(`engine host gone ${ms} ms after its parent was killed (silent job)`);
    if (ms === null) process.kill(enginePid, 'SIGKILL');
    expect(ms, 'the engine host outlived its parent by more than 5 s').not.toBeNull();
  });
});

describe.skipIf(!hasBuild || !fs.existsSync('/proc/self/stat'))('a `mia audit` killed with SIGKILL beside a live backend', () => {
  let backend: Backend;
  afterAll(async () => {
    await backend?.idle();
    backend?.close();
  });

  it('takes its engine host with it, and the live backend marks its run interrupted within seconds, then resumes it', async () => {
    const workspace = path.join(dir, 'shared.sqlite');
    // The live backend (as `npm run web` runs it) has the workspace open before the CLI starts on it.
    backend = createTestBackend(dir, 'shared.sqlite').backend;
    const statusEvents: { runId: number; status: string }[] = [];
    backend.bus.subscribe((event, payload) => event === 'runs.status' && statusEvents.push(payload as { runId: number; status: string }));

    const cli = spawn(process.execPath, [cliEntry, 'audit', '--config', demoConfig, '--workspace', workspace, '--json'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    started.push(cli);
    let stderr = '';
    cli.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => cli.once('exit', () => resolve()));
    const runId = await until('a run of the CLI in progress', 120_000, () => {
      if (cli.exitCode !== null) throw new Error(`mia audit ended early: ${stderr}`);
      const row = backend.db.prepare("SELECT id FROM runs WHERE status = 'running' AND owner_pid = ?").get(cli.pid) as
        { id: number } | undefined;
      return row?.id;
    });
    const enginePid = await until("the CLI's engine host", 10_000, () => childrenOf(cli.pid!)[0]);
    // Killed while the engine host is at work: it has spent a tenth of a second of CPU time on the run.
    await until('the engine host at work', 60_000, () => (cpuTicks(enginePid) >= 10 ? true : null));

    cli.kill('SIGKILL'); // the CLI only, not its process group: the engine host must notice by itself
    const killedAt = Date.now();
    await exited;
    const engineGoneMs = await goneWithin(enginePid, 5_000);
    if (engineGoneMs === null) process.kill(enginePid, 'SIGKILL');
    expect(engineGoneMs, 'the engine host of a killed `mia audit` must exit within 5 s').not.toBeNull();

    // No call reaches the backend: its own sweep has to notice.
    await until(`run ${runId} marked interrupted`, 6_000, () => (getRun(backend.db, runId).status === 'interrupted' ? true : null));
    const interruptedMs = Date.now() - killedAt;
    console.info(
      `after SIGKILL of mia audit: engine host gone in ${engineGoneMs} ms, run ${runId} interrupted by the live backend after ${interruptedMs} ms`,
    );
    expect(getRun(backend.db, runId).error?.code).toBe('run.interrupted');
    expect(statusEvents).toContainEqual(expect.objectContaining({ runId, status: 'interrupted' }));

    const resumed = await backend.router.dispatch('runs.resume', { runId });
    expect(resumed.ok, JSON.stringify(resumed)).toBe(true);
    await backend.idle();
    const after = (await backend.router.dispatch('runs.get', { runId })) as { ok: true; data: RunSummary };
    expect(after.data.status, JSON.stringify(after.data.error)).toBe('finished');
  });
});
