// The training bridge end to end with a real Python and PyTorch: plan two shadows for the demo target, train them
// with the bundled recipe, export to ONNX, import the set, check the exported models predict what the script
// measured, and run the Shokri attack with them. Skips itself, saying why, where no Python with PyTorch exists.
// The page names each job's folder; it lands under the training root, as under the headless host.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary, TrainingJobSummary, TrainingProgress } from '../../src-shared/contract/contract';
import { createRecordImages } from '../../src-main/engine/jobs/record-images';
import { openClassifier } from '../../src-main/engine/models/classifier-adapter';
import { ClassifierConfig } from '../../src-main/engine/models/model-config';
import { readModelSetSpecs, readRunRecords } from '../../src-main/services/run-inputs';
import { findPython } from '../../src-main/services/training/python-probe';
import { hasClassifierKit, importClassifierKit } from '../helpers/demo-kit';
import { createTestBackend, runToEnd } from '../helpers/in-process-bridge';
import { scriptedFrontDoor } from '../helpers/scripted-front-door';
import { makeTempDir } from '../helpers/temp-dir';

const probe = await findPython({ setting: null });
const skipReason = !hasClassifierKit
  ? 'the demo classifier kit is missing'
  : probe.found
    ? null
    : `no Python with PyTorch was found (${probe.tried.map((t) => `${t.path}: ${t.problem}`).join('; ')})`;

/** A backend whose front door takes folder names under `dir/training`, as the headless host does. */
function backendWithTrainingRoot(dir: string, options: { trainingScript?: string } = {}) {
  return createTestBackend(dir, 'workspace.sqlite', {
    ...options,
    frontDoor: scriptedFrontDoor(undefined, { trainingRoot: path.join(dir, 'training') }).frontDoor,
  });
}

async function invoke<T>(backend: ReturnType<typeof createTestBackend>['backend'], channel: string, request?: unknown): Promise<T> {
  const result = await backend.router.dispatch(channel, request);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

describe.skipIf(skipReason !== null)(
  `training bridge with ${probe.path ?? 'python'}${skipReason ? ` — skipped: ${skipReason}` : ''}`,
  () => {
    it('trains two shadow models for the demo target, imports them, and the Shokri attack runs on them', async () => {
      const dir = makeTempDir();
      const { backend } = backendWithTrainingRoot(dir);
      try {
        const kit = await importClassifierKit(backend.db);
        const progress: TrainingProgress[] = [];
        const statuses: TrainingJobSummary[] = [];
        backend.bus.subscribe((event, payload) => {
          if (event === 'training.progress') progress.push(payload as TrainingProgress);
          if (event === 'training.status') statuses.push(payload as TrainingJobSummary);
        });
        const folder = path.join(dir, 'training', 'trained-shadows');
        const started = await invoke<TrainingJobSummary>(backend, 'training.start', {
          purpose: 'shadow',
          datasetId: kit.datasetId,
          targetModelId: kit.targetId,
          count: 2,
          seed: 11,
          trainSize: 200,
          folderName: 'trained-shadows',
          recipe: { epochs: 6 },
        });
        expect(started.status).toBe('running');
        expect(started.folder).toBe(folder); // shown back to the page, so the auditor knows where the models went
        // The rest of the recipe comes from the target's sidecar (the demo target: Adam, lr 0.002, batch 32).
        expect(started.recipe).toEqual({ architecture: 'shokri-cnn', epochs: 6, learningRate: 0.002, batchSize: 32, weightDecay: 0 });
        await backend.idle();

        const [job] = await invoke<TrainingJobSummary[]>(backend, 'training.list');
        expect(job!.error).toBeNull();
        expect(job!.status).toBe('finished');
        expect(job!.modelsDone).toBe(2);
        expect(job!.modelSetId).not.toBeNull();
        // Progress streamed from the child process: every epoch of both models, in order.
        expect(progress.map((p) => `${p.model}:${p.epoch}`)).toEqual([
          '0:1',
          '0:2',
          '0:3',
          '0:4',
          '0:5',
          '0:6',
          '1:1',
          '1:2',
          '1:3',
          '1:4',
          '1:5',
          '1:6',
        ]);
        expect(progress.every((p) => p.loss !== null && p.loss > 0 && p.modelCount === 2)).toBe(true);
        expect(statuses.at(-1)!.status).toBe('finished');
        // The trained models learned something (10 classes: chance is 0.1).
        for (const result of job!.results) expect(result.trainAccuracy).toBeGreaterThan(0.4);
        for (const name of ['shadow_00', 'shadow_01']) {
          expect(fs.existsSync(path.join(folder, `${name}.onnx`))).toBe(true);
          expect(JSON.parse(fs.readFileSync(path.join(folder, `${name}.json`), 'utf8')).training.n_train).toBe(200);
        }
        expect(fs.existsSync(path.join(folder, '.mia-training'))).toBe(false);

        // The imported set carries the plan's manifest: each model's trained_on is its planned 200 aux records.
        const plan = JSON.parse(fs.readFileSync(path.join(folder, 'plan.json'), 'utf8')) as {
          models: { trained_on: string[]; held_out: string[] }[];
        };
        const specs = readModelSetSpecs(backend.db, job!.modelSetId!);
        expect(specs.map((s) => s.trainedOn)).toEqual(plan.models.map((m) => m.trained_on));

        // Scored through ONNX Runtime with the engine's preprocessing, the exported model gets the accuracy the
        // script measured in PyTorch on the same records: training and inference saw the same pixels.
        const records = new Map(readRunRecords(backend.db, kit.datasetId).map((r) => [r.key, r]));
        const images = createRecordImages();
        for (const [index, spec] of specs.entries()) {
          const config = ClassifierConfig.parse(spec.config);
          const model = await openClassifier(spec.files.model!.path, config);
          try {
            const trainRecords = plan.models[index]!.trained_on.map((key) => records.get(key)!);
            const prediction = await model.predict(await images.tensors(trainRecords, config.preprocess), trainRecords.length);
            let correct = 0;
            trainRecords.forEach((record, i) => {
              const row = prediction.probabilities.subarray(i * 10, i * 10 + 10);
              if (row.indexOf(Math.max(...row)) === record.label) correct++;
            });
            expect(Math.abs(correct / trainRecords.length - job!.results[index]!.trainAccuracy)).toBeLessThanOrEqual(
              1 / trainRecords.length,
            );
          } finally {
            await model.release();
          }
        }

        const run: RunSummary = await runToEnd(backend, {
          attack: 'shokri',
          targetModelId: kit.targetId,
          datasetId: kit.datasetId,
          seed: 1,
          shadowSetId: job!.modelSetId!,
        });
        expect(run.error).toBeNull();
        expect(run.status).toBe('finished');
        const details = await invoke<{ metrics: { name: string; value: number | null }[] }>(backend, 'runs.details', { runId: run.id });
        const auc = details.metrics.find((m) => m.name === 'auc')?.value;
        expect(auc).toBeGreaterThan(0);
        expect(auc).toBeLessThan(1);

        // The job is a workspace row: another session on the same workspace sees its outcome.
        const later = createTestBackend(dir).backend;
        try {
          const [stored] = await invoke<TrainingJobSummary[]>(later, 'training.list');
          expect(stored).toEqual(job);
        } finally {
          later.close();
        }
      } finally {
        backend.close();
      }
    }, 300_000);

    it('cancels a running job: the process stops, nothing is imported', async () => {
      const dir = makeTempDir();
      const { backend } = backendWithTrainingRoot(dir);
      try {
        const kit = await importClassifierKit(backend.db);
        const firstEpoch = new Promise<void>((resolve) => backend.bus.subscribe((event) => event === 'training.progress' && resolve()));
        const folder = path.join(dir, 'training', 'cancelled');
        const started = await invoke<TrainingJobSummary>(backend, 'training.start', {
          purpose: 'reference',
          datasetId: kit.datasetId,
          targetModelId: kit.targetId,
          count: 2,
          folderName: 'cancelled',
          recipe: { epochs: 500 },
        });
        await firstEpoch;
        // The running job owns its folder: a new plan there would rewrite the manifest it is about to import.
        const busy = await backend.router.dispatch('training.plan', {
          purpose: 'shadow',
          datasetId: kit.datasetId,
          targetModelId: kit.targetId,
          folderName: 'cancelled',
        });
        expect(busy.ok ? null : busy.error.code).toBe('training.folder-busy');
        await invoke(backend, 'training.cancel', { jobId: started.id });
        await backend.idle();
        const [job] = await invoke<TrainingJobSummary[]>(backend, 'training.list');
        expect(job!.status).toBe('cancelled');
        expect(job!.modelSetId).toBeNull();
        expect(fs.existsSync(path.join(folder, 'ref_00.onnx'))).toBe(false);
        expect(fs.existsSync(path.join(folder, 'manifest.json'))).toBe(true); // the plan stays for the auditor
        const sets = await invoke<unknown[]>(backend, 'models.sets');
        expect(sets).toHaveLength(2); // the kit's own reference and shadow sets only
        const again = await backend.router.dispatch('training.cancel', { jobId: started.id });
        expect(again.ok ? null : again.error.code).toBe('training.not-running');
      } finally {
        backend.close();
      }
    }, 120_000);

    it('reports a script that fails with the last lines of its stderr, and imports nothing', async () => {
      const dir = makeTempDir();
      const script = path.join(dir, 'broken.py');
      fs.writeFileSync(script, "import sys\nsys.stderr.write('RuntimeError: out of memory while training\\n')\nsys.exit(3)\n");
      const failing = backendWithTrainingRoot(dir, { trainingScript: script }).backend;
      try {
        const kit = await importClassifierKit(failing.db);
        await invoke(failing, 'training.start', {
          purpose: 'shadow',
          datasetId: kit.datasetId,
          targetModelId: kit.targetId,
          count: 2,
          trainSize: 50,
          folderName: 'broken',
        });
        await failing.idle();
        const [job] = await invoke<TrainingJobSummary[]>(failing, 'training.list');
        expect(job!.status).toBe('failed');
        expect(job!.error!.code).toBe('training.script-failed');
        expect(job!.error!.message).toMatch(/exited with status 3.*out of memory while training/);
        expect(job!.modelSetId).toBeNull();
      } finally {
        failing.close();
      }
    }, 120_000);
  },
);
