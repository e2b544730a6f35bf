import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMiaError } from '../../../src-main/common/errors';
import { currentSchemaVersion, openWorkspace, workspaceIntegrity } from '../../../src-main/workspace/open-workspace';
import { migration001Initial } from '../../../src-main/workspace/migrations/001-initial';
import { currentOwner, processStartMarker } from '../../../src-main/workspace/process-identity';
import { createRun, getRun, insertScores, finishRun, listRuns } from '../../../src-main/workspace/runs-repo';
import { getTrainingJob, insertTrainingJob, updateTrainingJob } from '../../../src-main/workspace/training-jobs-repo';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir();

function seedModelAndDataset(db: Database.Database): { modelId: number; datasetId: number; recordId: number } {
  const now = new Date().toISOString();
  const datasetId = Number(
    db
      .prepare(
        "INSERT INTO datasets (name, source_kind, source_path, root_path, status, created_at) VALUES ('d', 'manifest-csv', 'm.csv', '.', 'ready', ?)",
      )
      .run(now).lastInsertRowid,
  );
  const recordId = Number(
    db
      .prepare(
        "INSERT INTO records (dataset_id, record_key, path, sha256, width, height, channels, role) VALUES (?, 'r1', 'a.png', 'x', 1, 1, 1, 'audit')",
      )
      .run(datasetId).lastInsertRowid,
  );
  const modelId = Number(
    db
      .prepare(
        "INSERT INTO models (name, kind, role, files, sha256, config, io, created_at) VALUES ('m', 'classifier', 'target', '{}', 'h', '{}', '{}', ?)",
      )
      .run(now).lastInsertRowid,
  );
  return { modelId, datasetId, recordId };
}

const newRun = (modelId: number, datasetId: number) => ({
  attack: 'loss',
  family: 'classifier' as const,
  targetModelId: modelId,
  datasetId,
  config: { seed: 1 },
  engineVersion: 'test',
  modelHash: 'h',
  dataHash: 'd',
});

describe('workspace file', () => {
  it('creates a new file with every migration applied, WAL and foreign keys on', () => {
    const file = path.join(dir, 'new.sqlite');
    const db = openWorkspace(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    for (const table of [
      'datasets',
      'records',
      'models',
      'model_sets',
      'runs',
      'scores',
      'metrics',
      'checks',
      'exports',
      'run_log',
      'settings',
    ]) {
      expect(tables).toContain(table);
    }
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(currentSchemaVersion);
    db.close();
  });

  it('reopens an existing file without re-running migrations and keeps its rows', () => {
    const file = path.join(dir, 'reopen.sqlite');
    const first = openWorkspace(file);
    const { modelId, datasetId } = seedModelAndDataset(first);
    first.close();
    const second = openWorkspace(file);
    expect((second.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(currentSchemaVersion);
    expect(second.prepare('SELECT id FROM models WHERE id = ?').get(modelId)).toBeTruthy();
    expect(second.prepare('SELECT id FROM datasets WHERE id = ?').get(datasetId)).toBeTruthy();
    expect(workspaceIntegrity(second)).toBe('ok');
    second.close();
  });

  it('upgrades a schema-1 workspace in place, keeping its rows', () => {
    const file = path.join(dir, 'schema-1.sqlite');
    const old = new Database(file);
    old.exec(migration001Initial.sql);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    old.prepare("INSERT INTO schema_migrations VALUES (1, 'initial', '2026-01-01T00:00:00Z')").run();
    const { modelId, datasetId } = seedModelAndDataset(old);
    old.close();
    const db = openWorkspace(file);
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(currentSchemaVersion);
    const runId = createRun(db, newRun(modelId, datasetId));
    expect((db.prepare('SELECT owner_pid, owner_started FROM runs WHERE id = ?').get(runId) as { owner_pid: number }).owner_pid).toBe(
      process.pid,
    );
    expect(workspaceIntegrity(db)).toBe('ok');
    db.close();
  });

  it('refuses a workspace written by a newer workbench', () => {
    const file = path.join(dir, 'newer.sqlite');
    openWorkspace(file).close();
    const raw = new Database(file);
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'now')").run();
    raw.close();
    expect(() => openWorkspace(file)).toThrowError(/schema version 999/);
    try {
      openWorkspace(file);
    } catch (error) {
      expect(isMiaError(error, 'workspace.too-new')).toBe(true);
    }
  });

  it('enforces foreign keys: a score for a run that does not exist is refused', () => {
    const db = openWorkspace(path.join(dir, 'fk.sqlite'));
    expect(() => db.prepare('INSERT INTO scores (run_id, record_id, score) VALUES (42, 42, 0.5)').run()).toThrowError(/FOREIGN KEY/);
    db.close();
  });

  it('lets a reader see only committed data while a writer commits from another process', async () => {
    const file = path.join(dir, 'concurrent.sqlite');
    const writer = openWorkspace(file);
    const { modelId, datasetId, recordId } = seedModelAndDataset(writer);
    const runId = createRun(writer, newRun(modelId, datasetId));
    const reader = openWorkspace(file, { readonly: true });
    const countScores = () => (reader.prepare('SELECT COUNT(*) AS n FROM scores').get() as { n: number }).n;
    const readStarted = reader.prepare('SELECT COUNT(*) AS n FROM scores');
    // A read transaction that stays open sees one snapshot even while another process commits.
    reader.exec('BEGIN');
    expect((readStarted.get() as { n: number }).n).toBe(0);
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const D=require('better-sqlite3');const db=new D(${JSON.stringify(file)});db.pragma('busy_timeout=5000');db.prepare('INSERT INTO scores (run_id, record_id, score) VALUES (?, ?, 0.25)').run(${runId}, ${recordId});db.close();`,
      ],
      { cwd: path.resolve(__dirname, '../../..') },
    );
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect((readStarted.get() as { n: number }).n).toBe(0);
    reader.exec('COMMIT');
    expect(countScores()).toBe(1);
    reader.close();
    writer.close();
  });

  it('marks a run left "running" by a dead process as interrupted when the workspace is reopened', () => {
    const file = path.join(dir, 'crash.sqlite');
    const db = openWorkspace(file);
    const { modelId, datasetId, recordId } = seedModelAndDataset(db);
    const runId = createRun(db, newRun(modelId, datasetId));
    insertScores(db, runId, [recordId], [0.1]);
    // Pretend the owner died: a pid that cannot exist.
    db.prepare('UPDATE runs SET owner_pid = 2147483646 WHERE id = ?').run(runId);
    db.close();
    const reopened = openWorkspace(file);
    const run = getRun(reopened, runId);
    expect(run.status).toBe('interrupted');
    expect(run.error?.code).toBe('run.interrupted');
    // Partial scores are kept for a resume, never reported as a result.
    expect((reopened.prepare('SELECT COUNT(*) AS n FROM scores WHERE run_id = ?').get(runId) as { n: number }).n).toBe(1);
    expect((reopened.prepare('SELECT COUNT(*) AS n FROM metrics WHERE run_id = ?').get(runId) as { n: number }).n).toBe(0);
    reopened.close();
  });

  it.skipIf(processStartMarker(process.pid) === null)(
    "tells a reused pid from the run's real owner by the process start time",
    async () => {
      const file = path.join(dir, 'reused-pid.sqlite');
      const db = openWorkspace(file);
      const { modelId, datasetId } = seedModelAndDataset(db);
      const owned = createRun(db, newRun(modelId, datasetId));
      const reused = createRun(db, newRun(modelId, datasetId));
      const ownPidOtherStart = createRun(db, newRun(modelId, datasetId));
      // A live process stands in for "the pid is in use": once as the real owner, once as an unrelated process
      // that got the dead owner's pid (same pid, another start time).
      const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
      try {
        await new Promise((resolve) => other.once('spawn', resolve));
        const started = processStartMarker(other.pid!);
        expect(started).toMatch(/^\d+$/);
        const setOwner = db.prepare('UPDATE runs SET owner_pid = ?, owner_started = ? WHERE id = ?');
        setOwner.run(other.pid, started, owned);
        setOwner.run(other.pid, String(Number(started) + 1), reused);
        setOwner.run(process.pid, String(Number(currentOwner().started) - 1), ownPidOtherStart);
        db.close();
        const reopened = openWorkspace(file);
        expect(getRun(reopened, owned).status).toBe('running');
        expect(getRun(reopened, reused).status).toBe('interrupted');
        expect(getRun(reopened, ownPidOtherStart).status).toBe('interrupted');
        reopened.close();
      } finally {
        other.kill();
      }
    },
  );

  it('marks a training job whose process died as interrupted, and leaves a finished one alone', () => {
    const file = path.join(dir, 'training-crash.sqlite');
    const db = openWorkspace(file);
    const { modelId, datasetId } = seedModelAndDataset(db);
    const job = {
      purpose: 'shadow' as const,
      status: 'running' as const,
      datasetId,
      targetModelId: modelId,
      folder: path.join(dir, 'shadows'),
      modelCount: 2,
      modelsDone: 1,
      modelSetId: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      recipe: { architecture: 'shokri-cnn', epochs: 1, learningRate: 0.001, batchSize: 32, weightDecay: 0 },
      results: [{ name: 'shadow_00', trainAccuracy: 1, heldOutAccuracy: 0.8, seconds: 1 }],
      log: ['shadow_00: trained'],
      error: null,
      backend: 'local' as const,
      slurm: null,
    };
    const crashed = insertTrainingJob(db, job);
    const finished = insertTrainingJob(db, job);
    updateTrainingJob(db, { ...job, id: finished, status: 'finished', modelsDone: 2, finishedAt: new Date().toISOString() });
    db.prepare('UPDATE training_jobs SET owner_pid = 2147483646 WHERE id = ?').run(crashed);
    // A job already submitted to Slurm runs on the cluster whatever became of its process: it stays running, for the
    // next backend to re-attach to (tests/integration/slurm-training.test.ts).
    const slurmState = { jobIds: ['7'], clusterFolder: '/shared/.mia-slurm', submitHost: null, tasks: [] };
    const submitted = insertTrainingJob(db, { ...job, backend: 'slurm' });
    updateTrainingJob(db, { ...job, id: submitted, backend: 'slurm', slurm: slurmState });
    db.prepare('UPDATE training_jobs SET owner_pid = 2147483646 WHERE id = ?').run(submitted);
    db.close();
    const reopened = openWorkspace(file);
    const interrupted = getTrainingJob(reopened, crashed);
    expect(interrupted).toMatchObject({ status: 'interrupted', modelsDone: 1, error: { code: 'training.interrupted' } });
    expect(interrupted.results).toEqual(job.results); // what it reported before it died stays
    expect(getTrainingJob(reopened, finished).status).toBe('finished');
    expect(getTrainingJob(reopened, submitted)).toMatchObject({ status: 'running', backend: 'slurm', slurm: slurmState });
    reopened.close();
  });

  it('never changes a finished run', () => {
    const db = openWorkspace(path.join(dir, 'immutable.sqlite'));
    const { modelId, datasetId, recordId } = seedModelAndDataset(db);
    const runId = createRun(db, newRun(modelId, datasetId));
    insertScores(db, runId, [recordId], [0.9]);
    finishRun(db, runId, { metrics: [{ name: 'auc', value: 0.7 }], checks: [], timings: { total: 1 }, modelCalls: 1 });
    expect(() => insertScores(db, runId, [recordId], [0.1])).toThrowError(/finished/);
    expect(() => finishRun(db, runId, { metrics: [], checks: [], timings: {}, modelCalls: 0 })).toThrowError(/finished/);
    expect((db.prepare('SELECT score FROM scores WHERE run_id = ?').get(runId) as { score: number }).score).toBe(0.9);
    db.close();
  });

  it('lists every run with its whole-set AUC and TPR@1 % in one statement, null for a run without them', () => {
    const db = openWorkspace(path.join(dir, 'headline.sqlite'));
    const { modelId, datasetId } = seedModelAndDataset(db);
    const finished = createRun(db, newRun(modelId, datasetId));
    finishRun(db, finished, {
      metrics: [
        { name: 'auc', value: 0.7 },
        { name: 'auc', slice: 'class:0', value: 0.9 },
        { name: 'tpr@0.01', value: 0.05 },
        { name: 'tpr@0.1', value: 0.3 },
      ],
      checks: [],
      timings: {},
      modelCalls: 1,
    });
    const running = createRun(db, newRun(modelId, datasetId));
    const prepare = db.prepare.bind(db);
    let statements = 0;
    db.prepare = ((sql: string) => {
      statements += 1;
      return prepare(sql);
    }) as typeof db.prepare;
    const runs = listRuns(db);
    db.prepare = prepare;
    expect(statements).toBe(1);
    expect(runs.map((r) => [r.id, r.headline])).toEqual([
      [running, { auc: null, tprAt1Percent: null }],
      [finished, { auc: 0.7, tprAt1Percent: 0.05 }],
    ]);
    expect(getRun(db, finished).headline).toEqual({ auc: 0.7, tprAt1Percent: 0.05 });
    db.close();
  });
});
