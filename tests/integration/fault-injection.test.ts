// Fault injection: the engine host, and the whole service process (the built `mia` CLI), are killed with SIGKILL
// at seeded random moments during runs. After each kill the workspace must pass SQLite's integrity check, every
// finished run must be exactly as it was, the killed run must be `interrupted`, and resuming it must give the
// scores of an uninterrupted run bit for bit.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/contract/contract';
import { SeededRandom } from '../../src-main/engine/random/seeded-random';
import type { Backend } from '../../src-main/services/backend';
import { discardRun, resumeRun } from '../../src-main/services/run-resume';
import { openWorkspace, type WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { importTinyKit, writeTinyKit, type TinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { integrityReport, scoresByKey, snapshotRun, type RunSnapshot } from '../fixtures/bad/workspace-dump';
import { createTestBackend } from '../helpers/in-process-bridge';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const hostKillTrials = 12;
const processKillTrials = 8;
const cliEntry = path.join(repoRoot, 'bin', 'mia.js');
const hasBuiltCli =
  fs.existsSync(path.join(repoRoot, 'out', 'main', 'cli.js')) && fs.existsSync(path.join(repoRoot, 'out', 'main', 'engine-host.js'));

const dir = makeTempDir('mia-faults-');
let kit: TinyKit;
let backend: Backend;
let datasetId: number;
let targetId: number;
/** Finished runs and what they held when they finished; checked after every kill. */
const finished = new Map<number, RunSnapshot>();
/** Uninterrupted results per attack (seed 7): scores by record key, metrics and checks, and how long a run took. */
const reference = new Map<string, { scores: Record<string, number>; metrics: unknown[]; checks: unknown[]; ms: number }>();
const attacks = ['loss', 'confidence'] as const;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startRun(attack: string, seed: number): Promise<number> {
  const started = await backend.router.dispatch('runs.start', { attack, targetModelId: targetId, datasetId, seed });
  if (!started.ok) throw new Error(`${started.error.code}: ${started.error.message}`);
  return (started.data as RunSummary).id;
}

/**
 * Kills the engine host and waits until the client has seen it exit. Starting a run in between (host dead, exit
 * not yet delivered) makes fork-host's child.send fail with EPIPE, which it does not handle: see the report.
 */
async function killEngineHost(): Promise<void> {
  const pid = backend.engine.hostPid();
  if (pid === undefined) return;
  process.kill(pid, 'SIGKILL');
  while (backend.engine.hostPid() === pid) await sleep(5);
}

function deps(of: Backend) {
  return { db: of.db, engine: of.engine, bus: of.bus, running: of.running };
}

/** A run's result in a form that compares across workspaces: scores by record key, metrics, checks. */
function resultOf(db: WorkspaceDb, runId: number) {
  const snapshot = snapshotRun(db, runId);
  return { scores: scoresByKey(db, runId), metrics: snapshot.metrics, checks: snapshot.checks };
}

function expectUntouched(db: WorkspaceDb, runs: ReadonlyMap<number, RunSnapshot>): void {
  for (const [runId, before] of runs) expect(snapshotRun(db, runId), `finished run ${runId}`).toEqual(before);
}

function expectReferenceResult(db: WorkspaceDb, runId: number, attack: string): void {
  const expected = reference.get(attack)!;
  const actual = resultOf(db, runId);
  // toEqual on numbers is Object.is: bit-identical, not merely close.
  expect(actual.scores).toEqual(expected.scores);
  expect(actual.metrics).toEqual(expected.metrics);
  expect(actual.checks).toEqual(expected.checks);
}

beforeAll(async () => {
  kit = await writeTinyKit(path.join(dir, 'kit'), 48);
  backend = createTestBackend(dir).backend;
  ({ datasetId, targetId } = await importTinyKit(backend, kit));
  const baseline = await startRun('entropy', 1);
  await backend.idle();
  finished.set(baseline, snapshotRun(backend.db, baseline));
  for (const attack of attacks) {
    const started = performance.now();
    const runId = await startRun(attack, 7);
    await backend.idle();
    expect(snapshotRun(backend.db, runId).row.status).toBe('finished');
    reference.set(attack, { ...resultOf(backend.db, runId), ms: performance.now() - started });
    finished.set(runId, snapshotRun(backend.db, runId));
  }
}, 120_000);

afterAll(async () => {
  await backend?.idle();
  backend?.close();
});

describe('SIGKILL of the engine host at seeded random points', () => {
  it(`leaves an intact workspace, untouched finished runs and a resumable interrupted run (${hostKillTrials} trials)`, async () => {
    let interrupted = 0;
    for (let trial = 0; trial < hostKillTrials; trial += 1) {
      const random = new SeededRandom(`engine-host-kill-${trial}`);
      const attack = attacks[trial % attacks.length]!;
      const delayMs = Math.floor(random.next() * reference.get(attack)!.ms * 0.9);
      const runId = await startRun(attack, 7);
      await sleep(delayMs);
      await killEngineHost();
      await backend.idle();

      const what = `trial ${trial} (${attack}, kill after ${delayMs} ms)`;
      expect(integrityReport(backend.db), what).toBe('ok');
      expectUntouched(backend.db, finished);
      const run = snapshotRun(backend.db, runId);
      if (run.row.status === 'finished') {
        // The kill came after the run landed: it must be a complete, correct result.
        expectReferenceResult(backend.db, runId, attack);
      } else {
        interrupted += 1;
        expect(run.row.status, what).toBe('interrupted');
        expect(JSON.parse(run.row.error as string).code).toBe('engine.crashed');
        expect(run.metrics, 'an interrupted run has no metrics').toEqual([]);
        const { summary, execution } = await resumeRun(deps(backend), runId);
        expect(summary).toMatchObject({ id: runId, status: 'running' });
        await execution;
        expect(snapshotRun(backend.db, runId).row.status, `${what}, resumed`).toBe('finished');
        expectReferenceResult(backend.db, runId, attack);
      }
      finished.set(runId, snapshotRun(backend.db, runId));
    }
    console.info(`engine host kills: ${interrupted} of ${hostKillTrials} trials interrupted a run; the rest landed first`);
    expect(interrupted).toBeGreaterThanOrEqual(Math.ceil(hostKillTrials / 2));
  });

  it('discards an interrupted run with its partial scores, and refuses to resume or discard a finished one', async () => {
    const runId = await startRun('loss', 8);
    await new Promise<void>((resolve) => {
      const stop = backend.bus.subscribe((event, payload) => {
        if (event === 'runs.progress' && (payload as { runId: number }).runId === runId) {
          stop();
          resolve();
        }
      });
    });
    await killEngineHost();
    await backend.idle();
    expect(snapshotRun(backend.db, runId).row.status).toBe('interrupted');
    backend.db
      .prepare('INSERT OR IGNORE INTO scores (run_id, record_id, score) SELECT ?, id, 0.5 FROM records WHERE dataset_id = ? LIMIT 5')
      .run(runId, datasetId);
    discardRun(backend.db, runId);
    expect(backend.db.prepare('SELECT COUNT(*) AS n FROM runs WHERE id = ?').get(runId)).toEqual({ n: 0 });
    expect(backend.db.prepare('SELECT COUNT(*) AS n FROM scores WHERE run_id = ?').get(runId)).toEqual({ n: 0 });

    const [finishedId, before] = [...finished][0]!;
    expect(() => discardRun(backend.db, finishedId)).toThrow(expect.objectContaining({ code: 'run.not-interrupted' }));
    await expect(resumeRun(deps(backend), finishedId)).rejects.toMatchObject({
      code: 'run.not-interrupted',
      message: expect.stringMatching(/finished/),
    });
    await expect(resumeRun(deps(backend), 99_999)).rejects.toMatchObject({ code: 'run.not-found' });
    expect(snapshotRun(backend.db, finishedId)).toEqual(before);
    expect(integrityReport(backend.db)).toBe('ok');
  });

  it('refuses to resume a run whose model file changed since it started, and leaves it interrupted', async () => {
    // Killed as soon as the run is under way: the engine host has its task, or dies before reading it; either way
    // the run cannot have finished.
    const runId = await startRun('confidence', 9);
    await killEngineHost();
    await backend.idle();
    expect(snapshotRun(backend.db, runId).row.status).toBe('interrupted');
    const original = fs.readFileSync(kit.model);
    try {
      fs.appendFileSync(kit.model, Buffer.from([0]));
      await expect(resumeRun(deps(backend), runId)).rejects.toMatchObject({
        code: 'model.file-changed',
        message: expect.stringMatching(/tiny\.onnx/),
      });
      expect(snapshotRun(backend.db, runId).row.status).toBe('interrupted');
    } finally {
      fs.writeFileSync(kit.model, original);
    }
    discardRun(backend.db, runId);
  });
});

describe('a run started the moment the engine host dies', () => {
  it('never crashes the service: the run lands as interrupted or finished, and the next one runs', async () => {
    await backend.router.dispatch('workspace.info', undefined);
    const warm = await backend.router.dispatch('runs.start', { attack: 'confidence', targetModelId: targetId, datasetId, seed: 1 });
    expect(warm.ok).toBe(true);
    await backend.idle();
    const pid = backend.engine.hostPid();
    expect(pid, 'the engine host stays up between runs').toEqual(expect.any(Number));
    // Kill the host and start a run before its exit has been seen: send() may then fail with EPIPE.
    process.kill(pid!, 'SIGKILL');
    const started = await backend.router.dispatch('runs.start', { attack: 'confidence', targetModelId: targetId, datasetId, seed: 2 });
    expect(started.ok).toBe(true);
    await backend.idle();
    const run = await backend.router.dispatch('runs.get', { runId: (started as { ok: true; data: RunSummary }).data.id });
    expect(['interrupted', 'finished']).toContain((run as { ok: true; data: RunSummary }).data.status);
    const next = await backend.router.dispatch('runs.start', { attack: 'confidence', targetModelId: targetId, datasetId, seed: 3 });
    await backend.idle();
    const after = await backend.router.dispatch('runs.get', { runId: (next as { ok: true; data: RunSummary }).data.id });
    expect((after as { ok: true; data: RunSummary }).data.status).toBe('finished');
    expect(integrityReport(backend.db)).toBe('ok');
  });
});

describe.skipIf(!hasBuiltCli)('SIGKILL of the whole service process (the built CLI) at seeded random points', () => {
  let baseWorkspace: string;
  /** `reuse` names the dataset already in the base workspace; `import` a copy of its manifest, imported afresh. */
  const configs = { reuse: '', import: '' };

  beforeAll(async () => {
    baseWorkspace = path.join(dir, 'base.sqlite');
    await backend.idle();
    await backend.db.backup(baseWorkspace);
    // A second manifest over the same images: the trials that kill at any moment import it, so kills also land
    // mid-import.
    const manifest = path.join(kit.dir, 'manifest-cli.csv');
    fs.copyFileSync(kit.manifest, manifest);
    for (const [name, manifestName] of [
      ['reuse', 'manifest.csv'],
      ['import', 'manifest-cli.csv'],
    ] as const) {
      configs[name] = path.join(kit.dir, `audit-${name}.yaml`);
      fs.writeFileSync(
        configs[name],
        [
          'dataset:',
          `  path: ${manifestName}`,
          'target:',
          '  kind: classifier',
          '  model: tiny.onnx',
          'runs:',
          ...attacks.flatMap((attack) => [`  - attack: ${attack}`, '    seed: 7']),
          '',
        ].join('\n'),
      );
    }
  });

  /** The highest run id in the base workspace: runs above it were started by the child. */
  const baseRunCeiling = (): number => {
    const db = openWorkspace(baseWorkspace, { readonly: true });
    try {
      return (db.prepare('SELECT MAX(id) AS id FROM runs').get() as { id: number }).id;
    } finally {
      db.close();
    }
  };

  /** Resolves when the child has a run in progress (polled read-only, as another front door would see it). */
  async function runInProgress(workspace: string, ceiling: number, exited: Promise<unknown>): Promise<boolean> {
    let gone = false;
    void exited.then(() => (gone = true));
    while (!gone) {
      try {
        const db = openWorkspace(workspace, { readonly: true });
        try {
          if ((db.prepare("SELECT COUNT(*) AS n FROM runs WHERE id > ? AND status = 'running'").get(ceiling) as { n: number }).n > 0)
            return true;
        } finally {
          db.close();
        }
      } catch {
        // The child holds a write lock for a moment; look again.
      }
      await sleep(15);
    }
    return false;
  }

  /**
   * Runs `mia audit` on a copy of the base workspace. `kill` says when to SIGKILL it: a delay after the spawn, or
   * after a run is seen in progress; null lets it finish.
   */
  async function auditInChild(
    workspace: string,
    config: string,
    kill: { afterMs: number; from: 'spawn' | 'running'; group: boolean } | null,
  ): Promise<{ code: number | null; ms: number; toFirstRunMs: number | null; hostPid: number | null; stderr: string; sawRun: boolean }> {
    fs.copyFileSync(baseWorkspace, workspace);
    const ceiling = baseRunCeiling();
    const started = performance.now();
    // detached: the CLI leads its own process group, so a group kill takes its engine host with it.
    const child = spawn(process.execPath, [cliEntry, 'audit', '--config', config, '--workspace', workspace, '--json'], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null }>((resolve) => child.once('exit', (code) => resolve({ code })));
    let toFirstRunMs: number | null = null;
    let sawRun = false;
    if (kill === null || kill.from === 'running') {
      sawRun = await runInProgress(workspace, ceiling, exited);
      toFirstRunMs = performance.now() - started;
    }
    let hostPid: number | null = null;
    if (kill !== null) {
      await Promise.race([sleep(kill.afterMs), exited]);
      hostPid = childrenOf(child.pid!)[0] ?? null;
      try {
        process.kill(kill.group ? -child.pid! : child.pid!, 'SIGKILL');
      } catch {
        // Already gone: the audit finished before the kill.
      }
    }
    // Waiting for 'exit' reaps the child, so its pid no longer counts as a live owner of the runs.
    const { code } = await exited;
    return { code, ms: performance.now() - started, toFirstRunMs, hostPid, stderr, sawRun };
  }

  it(`leaves an intact, recoverable workspace whose interrupted runs resume to the uninterrupted scores (${processKillTrials} trials)`, async () => {
    const calm = await auditInChild(path.join(dir, 'calm.sqlite'), configs.reuse, null);
    expect(calm.code, 'an uninterrupted `mia audit` succeeds').toBe(0);
    const runPhaseMs = calm.ms - calm.toFirstRunMs!;
    const ceiling = baseRunCeiling();
    const baseRuns = new Map<number, RunSnapshot>();
    {
      const db = openWorkspace(baseWorkspace, { readonly: true });
      for (const { id } of db.prepare("SELECT id FROM runs WHERE status = 'finished'").all() as { id: number }[])
        baseRuns.set(id, snapshotRun(db, id));
      db.close();
    }
    let interrupted = 0;
    let orphansLeft = 0;
    const log: string[] = [];
    for (let trial = 0; trial < processKillTrials; trial += 1) {
      const random = new SeededRandom(`service-process-kill-${trial}`);
      // Most kills land while runs are going; every third anywhere in the life of a process that also imports the
      // dataset (start-up, import, runs).
      const from = trial % 3 === 2 ? 'spawn' : 'running';
      const afterMs = Math.floor(random.next() * (from === 'spawn' ? calm.ms * 1.3 : runPhaseMs * 0.6));
      const group = trial % 2 === 0;
      const workspace = path.join(dir, `trial-${trial}.sqlite`);
      const outcome = await auditInChild(workspace, from === 'spawn' ? configs.import : configs.reuse, { afterMs, from, group });
      const what = `trial ${trial} (kill ${group ? 'process group' : 'CLI only'} ${afterMs} ms after ${from})`;
      if (!group && outcome.hostPid !== null && (await outlives(outcome.hostPid, 10_000))) {
        orphansLeft += 1;
        process.kill(outcome.hostPid, 'SIGKILL');
      }

      // Opening runs crash recovery, as the next start of the app would.
      const db = openWorkspace(workspace);
      let toResume: { id: number; attack: string } | undefined;
      try {
        expect(integrityReport(db), what).toBe('ok');
        expectUntouchedIn(db, baseRuns, what);
        expect(db.prepare("SELECT COUNT(*) AS n FROM runs WHERE status IN ('running', 'queued')").get(), what).toEqual({ n: 0 });
        expect(db.prepare("SELECT COUNT(*) AS n FROM datasets WHERE status = 'importing'").get(), what).toEqual({ n: 0 });
        const newRuns = db.prepare('SELECT id, attack, status, error FROM runs WHERE id > ? ORDER BY id').all(ceiling) as {
          id: number;
          attack: string;
          status: string;
          error: string | null;
        }[];
        // A run another connection saw committed must survive the kill.
        if (outcome.sawRun) expect(newRuns.length, `${what}: the run seen in progress is gone`).toBeGreaterThan(0);
        log.push(
          `${what}: ${newRuns.map((r) => `${r.attack} ${r.status}`).join(', ') || 'no run yet'} exit ${outcome.code} ${outcome.stderr.slice(-300)}`,
        );
        for (const run of newRuns) {
          if (run.status === 'finished') {
            expectReferenceResult(db, run.id, run.attack);
            continue;
          }
          expect(run.status, `${what}: run ${run.id}`).toBe('interrupted');
          expect(JSON.parse(run.error!).code).toMatch(/^(run\.interrupted|engine\.crashed)$/);
          toResume ??= run;
        }
      } finally {
        db.close();
      }
      if (!toResume) continue;
      interrupted += 1;
      // Resumed here, as the next start of the app would; the engine host never reads the workspace, so the
      // test backend's host serves this workspace too.
      const resumer = openWorkspace(workspace);
      try {
        const { execution } = await resumeRun({ ...deps(backend), db: resumer }, toResume.id);
        await execution;
        expect(snapshotRun(resumer, toResume.id).row.status, `${what}: resumed run ${toResume.id}`).toBe('finished');
        expectReferenceResult(resumer, toResume.id, toResume.attack);
        expect(integrityReport(resumer)).toBe('ok');
      } finally {
        resumer.close();
      }
    }
    console.info(
      `service process kills: ${interrupted} of ${processKillTrials} trials left an interrupted run (each resumed); uninterrupted audit ${Math.round(calm.ms)} ms, first run after ${Math.round(calm.toFirstRunMs!)} ms; orphaned engine hosts alive 10 s after their parent died: ${orphansLeft}\n${log.join('\n')}`,
    );
    // Timing on a shared machine varies; at least a third of the trials must have caught a run mid-way.
    expect(interrupted).toBeGreaterThanOrEqual(Math.ceil(processKillTrials / 3));
    expect(orphansLeft, 'an engine host whose parent died must exit by itself').toBe(0);
  });
});

function expectUntouchedIn(db: WorkspaceDb, runs: ReadonlyMap<number, RunSnapshot>, what: string): void {
  for (const [runId, before] of runs) expect(snapshotRun(db, runId), `${what}: finished run ${runId}`).toEqual(before);
}

/** Direct children of a process, from /proc (Linux); empty where that is not available. */
function childrenOf(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** True when the process is still running after `ms` (a zombie waiting for a reaper counts as gone). */
async function outlives(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return false;
    await sleep(100);
  }
  return isRunning(pid);
}

function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}
