// Training through Slurm against a real single-node cluster (tools/slurm/start-cluster.sh): four reference models of
// the demo classifier trained as one job array, verified, imported and used by LiRA; an array cancelled mid-way; a
// task that fails on purpose, resubmitted by index alone; and a backend closed while its array runs, with the next
// backend on the workspace re-attaching and importing. Fails, saying why, where the cluster cannot start.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingStartRequest, type TrainingJobSummary, type TrainingProgress } from '../../src-shared/contract/contract';
import { sha256OfFile } from '../../src-main/common/file-sha256';
import { readModelSetSpecs } from '../../src-main/services/run-inputs';
import { importClassifierKit, type ImportedClassifierKit } from '../helpers/demo-kit';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { scriptedFrontDoor } from '../helpers/scripted-front-door';
import { startTestCluster, type TestCluster } from '../helpers/slurm-cluster';
import { makeTempDir } from '../helpers/temp-dir';

// Debian's PyTorch runs the recipe on the node; tiny recipes keep each task to seconds.
const python = '/usr/bin/python3';
const dir = makeTempDir('mia-slurm-training-');
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

type Backend = ReturnType<typeof createTestBackend>['backend'];

function openBackend(workspace: string): Backend {
  return createTestBackend(dir, workspace, {
    frontDoor: scriptedFrontDoor(undefined, { trainingRoot: path.join(dir, 'training') }).frontDoor,
  }).backend;
}

async function invoke<T>(backend: Backend, channel: string, request?: unknown): Promise<T> {
  const result = await backend.router.dispatch(channel, request);
  if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
  return result.data as T;
}

/**
 * Starts a Slurm job through the training service, as `mia audit` does: the page may not set a preamble or another
 * Python (see the refusal test below), and the node's Python here is Debian's, which need not be the first on PATH.
 */
async function startSlurm(backend: Backend, request: ReturnType<typeof slurmRequest>): Promise<TrainingJobSummary> {
  return backend.training.start(TrainingStartRequest.parse(request), path.join(dir, 'training', request.folderName));
}

const jobOf = async (backend: Backend, id: number) =>
  (await invoke<TrainingJobSummary[]>(backend, 'training.list')).find((j) => j.id === id)!;

/** Polls the job list until `done` holds (generous bound: the cluster schedules within seconds). */
async function waitFor(
  backend: Backend,
  id: number,
  done: (job: TrainingJobSummary) => boolean,
  what: string,
): Promise<TrainingJobSummary> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const job = await jobOf(backend, id);
    if (done(job)) return job;
    if (Date.now() > deadline) throw new Error(`Training job ${id} never reached "${what}"; its log: ${job.log.join(' / ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function slurmRequest(kit: ImportedClassifierKit, folderName: string, count: number, slurm: Record<string, unknown> = {}) {
  return {
    purpose: 'reference' as const,
    datasetId: kit.datasetId,
    targetModelId: kit.targetId,
    count,
    seed: 3,
    folderName,
    recipe: { epochs: 2 },
    backend: 'slurm' as const,
    slurm: { python, pollSeconds: 0.5, cpusPerTask: 1, ...slurm },
  };
}

describe('training through a real Slurm cluster', () => {
  it('trains four reference models as one array, verifies and imports them, and LiRA runs on them', async () => {
    const backend = openBackend('four.sqlite');
    try {
      const kit = await importClassifierKit(backend.db);
      const progress: TrainingProgress[] = [];
      backend.bus.subscribe((event, payload) => event === 'training.progress' && progress.push(payload as TrainingProgress));
      const started = await startSlurm(backend, slurmRequest(kit, 'slurm-four', 4, { time: '10:00' }));
      expect(started.backend).toBe('slurm');
      await backend.idle();

      const job = await jobOf(backend, started.id);
      expect(job.error).toBeNull();
      expect(job.status).toBe('finished');
      expect(job.slurm!.jobIds).toHaveLength(1);
      expect(job.slurm!.tasks.map((t) => [t.index, t.state, t.exitCode])).toEqual([0, 1, 2, 3].map((i) => [i, 'COMPLETED', 0]));
      expect(job.modelsDone).toBe(4);
      for (const result of job.results) expect(result.trainAccuracy).toBeGreaterThan(0.3);
      // Each task's log streamed into the job: both epochs of all four models, as progress events.
      expect(new Set(progress.map((p) => `${p.model}:${p.epoch}`))).toEqual(new Set([0, 1, 2, 3].flatMap((m) => [`${m}:1`, `${m}:2`])));

      // The imported files are the ones the tasks exported (hash), with the plan's trained_on, and the stage is gone.
      const folder = path.join(dir, 'training', 'slurm-four');
      const specs = readModelSetSpecs(backend.db, job.modelSetId!);
      const plan = JSON.parse(fs.readFileSync(path.join(folder, 'plan.json'), 'utf8')) as { models: { trained_on: string[] }[] };
      expect(specs.map((s) => s.trainedOn)).toEqual(plan.models.map((m) => m.trained_on));
      for (const spec of specs) expect(await sha256OfFile(spec.files.model!.path)).toBe(spec.files.model!.sha256);
      expect(fs.existsSync(path.join(folder, '.mia-slurm'))).toBe(false);

      const lira = await runToEnd(backend, {
        attack: 'lira',
        targetModelId: kit.targetId,
        datasetId: kit.datasetId,
        seed: 1,
        referenceSetId: job.modelSetId,
      });
      expect(lira.error).toBeNull();
      expect(lira.status).toBe('finished');
    } finally {
      backend.close();
    }
  });

  it('cancels a running array with scancel and imports nothing', async () => {
    const backend = openBackend('cancel.sqlite');
    try {
      const kit = await importClassifierKit(backend.db);
      const started = await startSlurm(backend, slurmRequest(kit, 'slurm-cancel', 4, { preamble: 'sleep 60', arrayLimit: 1 }));
      const running = await waitFor(
        backend,
        started.id,
        (j) => j.slurm?.tasks.some((t) => t.state === 'RUNNING') ?? false,
        'a task running',
      );
      const arrayId = running.slurm!.jobIds[0]!;
      await invoke(backend, 'training.cancel', { jobId: started.id });
      await backend.idle();
      const job = await jobOf(backend, started.id);
      expect(job.status).toBe('cancelled');
      expect(job.modelSetId).toBeNull();
      expect(job.slurm!.tasks.every((t) => t.state !== 'RUNNING' && t.state !== 'PENDING')).toBe(true);
      // Slurm agrees: nothing of the array is queued or running any more (within a generous bound).
      const deadline = Date.now() + 20_000;
      let queued = '';
      do {
        queued = await cluster.command([
          'squeue',
          '--noheader',
          '--array',
          `--jobs=${arrayId}`,
          '--states=PENDING,RUNNING,COMPLETING',
          '--format=%i',
        ]);
        if (queued.trim() === '') break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      } while (Date.now() < deadline);
      expect(queued.trim()).toBe('');
    } finally {
      backend.close();
    }
  });

  it('lists a task that failed with its log tail, and resubmits only that index', async () => {
    const backend = openBackend('resubmit.sqlite');
    try {
      const kit = await importClassifierKit(backend.db);
      const allow = path.join(dir, 'allow-task-1');
      // Task 1 fails on purpose until the test allows it.
      const preamble = `if [ "$SLURM_ARRAY_TASK_ID" = 1 ] && [ ! -e '${allow}' ]; then echo "task 1 refuses on purpose" >&2; exit 3; fi`;
      const started = await startSlurm(backend, slurmRequest(kit, 'slurm-resubmit', 2, { preamble }));
      await backend.idle();
      const failed = await jobOf(backend, started.id);
      expect(failed.status).toBe('failed');
      expect(failed.error!.code).toBe('training.slurm-tasks-failed');
      expect(failed.modelSetId).toBeNull();
      const [first, second] = failed.slurm!.tasks;
      expect(first!.state).toBe('COMPLETED');
      expect(second).toMatchObject({ index: 1, state: 'FAILED', exitCode: 3 });
      expect(second!.logTail.join('\n')).toContain('task 1 refuses on purpose');

      // Only failed indices are accepted.
      await expect(invoke(backend, 'training.resubmit', { jobId: started.id, indices: [0] })).rejects.toMatchObject({
        code: 'training.task-not-failed',
      });
      // Meanwhile task 0's export is damaged on the shared folder: its hash no longer matches what the task wrote.
      fs.appendFileSync(path.join(dir, 'training', 'slurm-resubmit', '.mia-slurm', 'models', 'ref_00.onnx'), 'x');
      fs.writeFileSync(allow, '');
      const resubmitted = await invoke<TrainingJobSummary>(backend, 'training.resubmit', { jobId: started.id, indices: [1] });
      expect(resubmitted.status).toBe('running');
      await backend.idle();
      const damaged = await jobOf(backend, started.id);
      expect(damaged.status).toBe('failed');
      expect(damaged.error!.code).toBe('training.slurm-hash-mismatch');
      expect(damaged.modelSetId).toBeNull();
      expect(damaged.slurm!.tasks.map((t) => t.state)).toEqual(['FAILED', 'COMPLETED']);

      await invoke(backend, 'training.resubmit', { jobId: started.id, indices: [0] });
      await backend.idle();
      const job = await jobOf(backend, started.id);
      expect(job.error).toBeNull();
      expect(job.status).toBe('finished');
      expect(job.slurm!.jobIds).toHaveLength(3);
      // Each task ran again only when resubmitted: task 1 in the second array, task 0 in the third.
      expect(job.slurm!.tasks.map((t) => t.jobId)).toEqual([job.slurm!.jobIds[2], job.slurm!.jobIds[1]]);
      expect(readModelSetSpecs(backend.db, job.modelSetId!)).toHaveLength(2);
    } finally {
      backend.close();
    }
  });

  it('refuses a preamble, another Python or extra sbatch arguments from the page, naming them, and submits nothing', async () => {
    const backend = openBackend('page.sqlite');
    try {
      const kit = await importClassifierKit(backend.db);
      const request = slurmRequest(kit, 'slurm-page', 2, { preamble: 'touch /tmp/owned', extraArgs: ['--export=ALL'] });
      await expect(invoke(backend, 'training.start', request)).rejects.toMatchObject({
        code: 'training.slurm-commands-refused',
        message: expect.stringMatching(/slurm\.preamble, slurm\.python, slurm\.extraArgs/),
      });
      expect(await invoke(backend, 'training.list')).toEqual([]);
      expect(fs.existsSync(path.join(dir, 'training', 'slurm-page'))).toBe(false);
    } finally {
      backend.close();
    }
  });

  it('re-attaches to a running array after the backend restarts, and imports it when it finishes', async () => {
    const first = openBackend('restart.sqlite');
    let jobId: number;
    let arrayId: string;
    try {
      const kit = await importClassifierKit(first.db);
      const started = await startSlurm(first, slurmRequest(kit, 'slurm-restart', 2, { preamble: 'sleep 4' }));
      jobId = started.id;
      const running = await waitFor(first, jobId, (j) => j.slurm?.tasks.some((t) => t.state === 'RUNNING') ?? false, 'a task running');
      arrayId = running.slurm!.jobIds[0]!;
    } finally {
      first.close();
    }
    // Closing the backend did not cancel the array.
    expect(await cluster.command(['squeue', '--noheader', '--array', `--jobs=${arrayId}`, '--format=%i'])).toContain(`${arrayId}_`);

    const second = openBackend('restart.sqlite');
    try {
      const attached = await jobOf(second, jobId);
      expect(attached.status).toBe('running');
      await second.idle();
      const job = await jobOf(second, jobId);
      expect(job.error).toBeNull();
      expect(job.status).toBe('finished');
      expect(job.log.some((line) => line.startsWith(`Re-attached to Slurm array job ${arrayId}`))).toBe(true);
      expect(readModelSetSpecs(second.db, job.modelSetId!)).toHaveLength(2);
    } finally {
      second.close();
    }
  });
});
