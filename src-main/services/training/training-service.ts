// The training bridge: plans shadow or reference models, trains them with the bundled PyTorch recipe in a child
// process, writes a sidecar beside every exported ONNX model and imports the set with its manifest. Each job is a
// workspace row, updated whenever it changes; the set is imported in one transaction only after every model is
// trained. A job whose process dies is marked interrupted when the workspace is next opened.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PythonProbe, SplitPlanSummary, TrainingJobSummary, ParsedRequestOf } from '../../../src-shared/contract/contract';
import { MiaError, toErrorPayload } from '../../common/errors';
import { resourcePath } from '../../common/package-root';
import { batchDims } from '../../engine/models/preprocess-spec';
import { SeededRandom } from '../../engine/random/seeded-random';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { getTrainingJob, insertTrainingJob, listTrainingJobs, updateTrainingJob } from '../../workspace/training-jobs-repo';
import type { EventBus } from '../event-bus';
import { importModelSet } from '../model-import';
import type { PythonSetting } from './python-setting';
import { writeSplitPlan, type ResolvedSplitPlan } from './split-plan-files';
import { targetTrainingHints } from './target-training-hints';
import { writeTrainingTensors } from './training-data';
import { startTrainingProcess, type ScriptEvent, type TrainingProcess } from './training-process';

export interface TrainingServiceOptions {
  readonly db: WorkspaceDb;
  readonly bus: EventBus;
  /** Which Python trains the models. */
  readonly python: PythonSetting;
  /** The recipe script; defaults to the one shipped in resources/training. */
  readonly script?: string;
  /** Torch threads; MIA_TRAINING_THREADS, else the machine's cores up to 4. */
  readonly threads?: number;
}

export interface TrainingService {
  python(): Promise<PythonProbe>;
  /** `folder` is absolute and already decided: by the front door for the page (see training-folder.ts), or typed at the CLI. */
  plan(request: ParsedRequestOf<'training.plan'>, folder: string): SplitPlanSummary;
  start(request: ParsedRequestOf<'training.start'>, folder: string): Promise<TrainingJobSummary>;
  list(): TrainingJobSummary[];
  cancel(jobId: number): TrainingJobSummary;
  /** Resolves when every started job has landed. */
  idle(): Promise<void>;
  /** Stops every running script (the backend is closing). */
  dispose(): void;
}

/** The stated default architecture (Shokri et al.'s CNN, as the demo target uses it) and recipe. */
const architecture = { name: 'shokri-cnn', conv1: 16, conv2: 32, hidden: 128 } as const;
const recipeDefaults = { epochs: 30, learningRate: 1e-3, batchSize: 32, weightDecay: 0 } as const;
const logLinesKept = 200;

interface Job {
  summary: TrainingJobSummary;
  process: TrainingProcess | null;
  cancelRequested: boolean;
}

function defaultThreads(): number {
  const fromEnv = Number(process.env.MIA_TRAINING_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

export function createTrainingService(options: TrainingServiceOptions): TrainingService {
  const { db, bus } = options;
  const script = options.script ?? resourcePath('training', 'train_classifier.py');
  const threads = options.threads ?? defaultThreads();
  /** Jobs running in this process; ended jobs are read from the workspace. */
  const jobs = new Map<number, Job>();
  const inFlight = new Set<Promise<void>>();

  const python = () => options.python.find();
  /** A running job owns its folder: another plan there would rewrite the manifest it is about to import. */
  const assertFolderFree = (folder: string) => {
    // From the workspace, so a job another front door runs on the same workspace counts too.
    const busy = listTrainingJobs(db).find((job) => job.status === 'running' && path.resolve(job.folder) === path.resolve(folder));
    if (busy) throw new MiaError('training.folder-busy', `Training job ${busy.id} is writing into ${folder}; wait for it or cancel it, or pick another folder.`, { folder });
  };
  const publish = (job: Job) => {
    try {
      updateTrainingJob(db, job.summary);
    } catch (error) {
      // A full disk must not stop a training run that is otherwise fine; the live summary still reaches the UI.
      log(job, `The job's state could not be saved to the workspace: ${toErrorPayload(error).message}`);
    }
    bus.emit('training.status', job.summary);
  };
  const log = (job: Job, line: string) => {
    job.summary.log.push(line);
    if (job.summary.log.length > logLinesKept) job.summary.log.splice(0, job.summary.log.length - logLinesKept);
  };

  async function execute(job: Job, plan: ResolvedSplitPlan, request: ParsedRequestOf<'training.start'>, pythonPath: string): Promise<void> {
    const { summary } = job;
    const workDir = path.join(plan.summary.folder, '.mia-training');
    try {
      fs.mkdirSync(workDir, { recursive: true });
      const spec = plan.targetConfig.preprocess;
      const tensorFile = path.join(workDir, 'tensors.f32');
      log(job, `Preparing ${plan.pool.length} records with the target's preprocessing (${spec.width}×${spec.height}×${spec.channels}, ${spec.layout}).`);
      await writeTrainingTensors(plan.pool, spec, tensorFile);
      if (job.cancelRequested) throw new MiaError('training.cancelled', 'Training was cancelled.');
      const seeds = new SeededRandom(request.seed).fork('training/model-seeds');
      const jobFile = path.join(workDir, 'job.json');
      const modelFile = (name: string) => path.join(plan.summary.folder, `${name}.onnx`);
      fs.writeFileSync(
        jobFile,
        JSON.stringify({
          format: 'mia-workbench/training-job',
          version: 1,
          data: { file: tensorFile, count: plan.pool.length, shape: batchDims(spec, 1).slice(1), layout: spec.layout, labels: plan.pool.map((r) => r.label) },
          classes: plan.targetConfig.classes,
          architecture,
          recipe: summary.recipe,
          threads,
          inputName: plan.targetConfig.io.input ?? 'pixel_values',
          outputName: 'logits',
          models: plan.models.map((model) => ({ name: model.name, onnx: modelFile(model.name), trainOn: model.trainOn, heldOut: model.heldOut, seed: seeds.nextInt(2 ** 31) })),
        }),
      );
      const onEvent = (event: ScriptEvent) => {
        if (event.event === 'start') log(job, `PyTorch ${event.torch}: training ${event.models} models, ${threads} thread(s).`);
        if (event.event === 'epoch') {
          bus.emit('training.progress', { jobId: summary.id, model: event.model, modelCount: summary.modelCount, epoch: event.epoch, epochs: event.epochs, loss: event.loss });
        }
        if (event.event === 'model') {
          const planned = plan.models[event.model]!;
          writeSidecar(modelFile(planned.name), plan, summary, planned.trainOn.length, event);
          summary.results.push({ name: event.name, trainAccuracy: event.trainAccuracy, heldOutAccuracy: event.heldOutAccuracy, seconds: event.seconds });
          summary.modelsDone += 1;
          log(job, `${event.name}: trained in ${event.seconds.toFixed(1)} s; accuracy ${event.trainAccuracy.toFixed(3)} on its training records, ${event.heldOutAccuracy?.toFixed(3) ?? 'n/a'} held out.`);
          publish(job);
        }
      };
      job.process = startTrainingProcess({ python: pythonPath, script, jobFile, threads, onEvent, onLog: (line) => log(job, line) });
      await job.process.finished;
      const name = request.name ?? `${plan.target.name} ${request.purpose === 'shadow' ? 'shadows' : 'reference models'} (trained, seed ${request.seed})`;
      const imported = await importModelSet(db, { purpose: request.purpose, manifestPath: plan.summary.manifestPath, name });
      summary.modelSetId = imported.setId;
      summary.status = 'finished';
      log(job, `Imported ${imported.models.length} models as set "${name}".`);
    } catch (error) {
      const payload = toErrorPayload(error);
      summary.status = payload.code === 'training.cancelled' ? 'cancelled' : 'failed';
      summary.error = { code: payload.code, message: payload.message };
      log(job, payload.message);
    } finally {
      job.process = null;
      try {
        fs.rmSync(workDir, { recursive: true, force: true }); // the tensor file can be large; the plan and models stay
      } catch (error) {
        log(job, `Could not remove the temporary folder ${workDir}: ${(error as Error).message}`);
      }
      summary.finishedAt = new Date().toISOString();
      publish(job);
    }
  }

  return {
    python,
    plan(request, folder) {
      assertFolderFree(folder);
      return writeSplitPlan(db, { ...request, folder }).summary;
    },
    async start(request, folder) {
      assertFolderFree(folder);
      const probe = await python();
      if (!probe.found || !probe.path) {
        const tried = probe.tried.map((t) => `${t.path}: ${t.problem}`).join('; ');
        throw new MiaError('training.no-python', `No Python with PyTorch was found, so the workbench cannot train models here (${tried}). Choose one in the app's Settings, start the headless host with --python PATH or set MIA_PYTHON; or write a plan and train in your own pipeline.`);
      }
      assertFolderFree(folder); // again: the probe took seconds, and another start may have come in
      const plan = writeSplitPlan(db, { ...request, folder });
      const hints = targetTrainingHints(plan.target);
      const recipe = {
        architecture: architecture.name,
        epochs: request.recipe.epochs ?? hints.epochs ?? recipeDefaults.epochs,
        learningRate: request.recipe.learningRate ?? hints.lr ?? recipeDefaults.learningRate,
        batchSize: request.recipe.batchSize ?? hints.batch ?? recipeDefaults.batchSize,
        weightDecay: request.recipe.weightDecay ?? hints.weight_decay ?? recipeDefaults.weightDecay,
      };
      const fields: Omit<TrainingJobSummary, 'id'> = {
        purpose: request.purpose,
        status: 'running',
        datasetId: request.datasetId,
        targetModelId: request.targetModelId,
        folder: plan.summary.folder,
        modelCount: plan.models.length,
        modelsDone: 0,
        modelSetId: null,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        recipe,
        results: [],
        log: [...plan.summary.notes, `Architecture: ${architecture.name} (the stated default; an ONNX target's own architecture cannot be read back into PyTorch).`],
        error: null,
      };
      const job: Job = { summary: { id: insertTrainingJob(db, fields), ...fields }, process: null, cancelRequested: false };
      jobs.set(job.summary.id, job);
      const execution = execute(job, plan, request, probe.path);
      inFlight.add(execution);
      // execute() settles every failure into the job's status; the catch only keeps a bug there from becoming an
      // unhandled rejection that would end the process.
      void execution
        .catch((error: unknown) => console.error(`Training job ${job.summary.id}: ${String(error)}`))
        .finally(() => {
          inFlight.delete(execution);
          jobs.delete(job.summary.id);
        });
      publish(job);
      return structuredClone(job.summary);
    },
    // The live summary of a running job may hold log lines newer than its row.
    list: () => listTrainingJobs(db).map((stored) => structuredClone(jobs.get(stored.id)?.summary ?? stored)),
    cancel(jobId) {
      const job = jobs.get(jobId);
      if (!job || job.summary.status !== 'running') {
        const stored = getTrainingJob(db, jobId);
        throw stored.status === 'running'
          ? new MiaError('training.not-running', `Training job ${jobId} is run by another process on this workspace; cancel it there.`)
          : new MiaError('training.not-running', `Training job ${jobId} is ${stored.status}, so there is nothing to cancel.`);
      }
      job.cancelRequested = true;
      job.process?.cancel();
      return structuredClone(job.summary);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    dispose() {
      for (const job of jobs.values()) {
        job.cancelRequested = true;
        job.process?.cancel();
      }
    },
  };
}

/** The sidecar that tells the importer how to feed the model: the target's preprocessing, classes and names. */
function writeSidecar(onnxFile: string, plan: ResolvedSplitPlan, summary: TrainingJobSummary, trainCount: number, event: Extract<ScriptEvent, { event: 'model' }>): void {
  const config = plan.targetConfig;
  const sidecar = {
    kind: 'classifier',
    preprocess: config.preprocess,
    classes: config.classes,
    ...(config.classNames ? { class_names: config.classNames } : {}),
    input_name: config.io.input ?? 'pixel_values',
    output: 'logits',
    output_name: 'logits',
    training: { ...summary.recipe, n_train: trainCount, purpose: summary.purpose, train_accuracy: event.trainAccuracy, held_out_accuracy: event.heldOutAccuracy },
    description: `${summary.purpose} model ${event.name}, trained by MIA Workbench for target "${plan.target.name}"`,
  };
  fs.writeFileSync(onnxFile.replace(/\.onnx$/, '.json'), `${JSON.stringify(sidecar, null, 1)}\n`);
}
