// The workspace's part in cancelling and in recovering runs: a cancel request recorded in the run's row wins over
// finishing, and a run whose owner died (or is a zombie) is recovered as `interrupted`, or `cancelled` where a cancel
// had been acknowledged.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../../src-main/workspace/open-workspace';
import { recoverOrphanedRows } from '../../../src-main/workspace/orphan-recovery';
import { processStartMarker } from '../../../src-main/workspace/process-identity';
import { createRun, finishRun, getRun, readMetrics, requestRunCancel } from '../../../src-main/workspace/runs-repo';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir();
const db = openWorkspace(path.join(dir, 'workspace.sqlite'));
afterAll(() => db.close());

function seedRun(target: Database.Database): number {
  const now = new Date().toISOString();
  const datasetId = Number(
    target
      .prepare(
        "INSERT INTO datasets (name, source_kind, source_path, root_path, status, created_at) VALUES ('d', 'manifest-csv', 'm.csv', '.', 'ready', ?)",
      )
      .run(now).lastInsertRowid,
  );
  const modelId = Number(
    target
      .prepare(
        "INSERT INTO models (name, kind, role, files, sha256, config, io, created_at) VALUES ('m', 'classifier', 'target', '{}', 'h', '{}', '{}', ?)",
      )
      .run(now).lastInsertRowid,
  );
  return createRun(target, {
    attack: 'loss',
    family: 'classifier',
    targetModelId: modelId,
    datasetId,
    config: { seed: 1 },
    engineVersion: 'test',
    modelHash: 'h',
    dataHash: 'd',
  });
}

const outcome = { metrics: [{ name: 'auc', value: 0.7 }], checks: [], timings: {}, modelCalls: 1 };

describe('a cancel request in the workspace', () => {
  it('makes finishing refuse with job.cancelled and store nothing', () => {
    const runId = seedRun(db);
    expect(requestRunCancel(db, runId)).toBe(true);
    expect(() => finishRun(db, runId, outcome)).toThrow(expect.objectContaining({ code: 'job.cancelled' }));
    expect(getRun(db, runId).status).toBe('running');
    expect(readMetrics(db, runId)).toEqual([]);
  });

  it('is refused for a run that already finished, which stays finished', () => {
    const runId = seedRun(db);
    finishRun(db, runId, outcome);
    expect(requestRunCancel(db, runId)).toBe(false);
    expect(getRun(db, runId).status).toBe('finished');
    expect(readMetrics(db, runId)).toHaveLength(1);
  });
});

describe('recovery of runs whose owner died', () => {
  it('lands a run whose cancel was acknowledged as cancelled, and one without as interrupted', () => {
    const cancelled = seedRun(db);
    const interrupted = seedRun(db);
    requestRunCancel(db, cancelled);
    // A pid that cannot exist stands for an owner that died.
    db.prepare('UPDATE runs SET owner_pid = 2147483646 WHERE id IN (?, ?)').run(cancelled, interrupted);
    expect(recoverOrphanedRows(db).runs.sort()).toEqual([cancelled, interrupted].sort());
    expect(getRun(db, cancelled)).toMatchObject({ status: 'cancelled', error: { code: 'job.cancelled' } });
    expect(getRun(db, interrupted)).toMatchObject({ status: 'interrupted', error: { code: 'run.interrupted' } });
    expect(recoverOrphanedRows(db).runs).toEqual([]);
  });

  it.skipIf(!fs.existsSync('/proc/self/stat'))('counts a zombie owner (killed, not yet reaped) as dead', async () => {
    // `sleep 0 &` exits at once; its parent then becomes `sleep 30` by exec and never reaps it, so it stays a zombie.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(
        await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()))),
      );
      const started = processStartMarker(zombie);
      const deadline = Date.now() + 5_000;
      while (!/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${zombie}/stat`, 'utf8'))) {
        expect(Date.now(), 'the child became a zombie').toBeLessThan(deadline);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const runId = seedRun(db);
      db.prepare('UPDATE runs SET owner_pid = ?, owner_started = ? WHERE id = ?').run(zombie, started, runId);
      expect(recoverOrphanedRows(db).runs).toEqual([runId]);
      expect(getRun(db, runId).status).toBe('interrupted');
    } finally {
      parent.kill();
    }
  });
});
