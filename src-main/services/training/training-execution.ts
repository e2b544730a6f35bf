// Runs one training job to its end: the engine host preprocesses the pooled records, the bundled PyTorch recipe
// trains every planned model in a child process, a sidecar is written beside each exported ONNX model, and the set
// is imported in one transaction only after every model is trained. Every failure, a cancel included, is settled
// into the job's summary and row; the execution itself never rejects.
import fs from 'node:fs';
import path from 'node:path';
import type { ParsedRequestOf, TrainingJobSummary } from '../../../src-shared/contract/contract';
import { toErrorPayload } from '../../common/errors';
import type { EngineClient } from '../../host/engine-client';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { updateTrainingJob } from '../../workspace/training-jobs-repo';
import type { EventBus } from '../event-bus';
import type { LiveJobs } from '../job-runner';
import { importModelSet } from '../model-import';
import type { ResolvedSplitPlan } from './split-plan-files';
import { writeTrainingTensors } from './training-data';
import { trainingJobFile } from './training-job-file';
import { startTrainingProcess, trainingCancelled, type ScriptEvent } from '../../common/training-process';

export { trainingArchitecture } from './training-job-file';
const logLinesKept = 200;

/** A training job this process runs: its live summary, and the signal its stop() raises. */
export type TrainingJob = LiveJobs['training'] & { readonly signal: AbortSignal };

export function createTrainingJob(summary: TrainingJobSummary): TrainingJob {
  const controller = new AbortController();
  return { summary, signal: controller.signal, stop: () => controller.abort() };
}

export interface TrainingExecutionDeps {
  readonly db: WorkspaceDb;
  readonly bus: EventBus;
  readonly engine: EngineClient;
  readonly script: string;
  readonly threads: number;
}

export function appendTrainingLog(job: TrainingJob, line: string): void {
  job.summary.log.push(line);
  if (job.summary.log.length > logLinesKept) job.summary.log.splice(0, job.summary.log.length - logLinesKept);
}

/** Saves the job's row and tells the front doors. */
export function publishTrainingJob(deps: Pick<TrainingExecutionDeps, 'db' | 'bus'>, job: TrainingJob): void {
  try {
    updateTrainingJob(deps.db, job.summary);
  } catch (error) {
    // A full disk must not stop a training run that is otherwise fine; the live summary still reaches the UI.
    appendTrainingLog(job, `The job's state could not be saved to the workspace: ${toErrorPayload(error).message}`);
  }
  deps.bus.emit('training.status', job.summary);
}

export async function executeTrainingJob(
  deps: TrainingExecutionDeps,
  job: TrainingJob,
  plan: ResolvedSplitPlan,
  request: ParsedRequestOf<'training.start'>,
  pythonPath: string,
): Promise<void> {
  const { bus, threads } = deps;
  const { summary } = job;
  const log = (line: string) => appendTrainingLog(job, line);
  const workDir = path.join(plan.summary.folder, '.mia-training');
  try {
    fs.mkdirSync(workDir, { recursive: true });
    const spec = plan.targetConfig.preprocess;
    const tensorFile = path.join(workDir, 'tensors.f32');
    log(
      `Preparing ${plan.pool.length} records with the target's preprocessing (${spec.width}×${spec.height}×${spec.channels}, ${spec.layout}).`,
    );
    await writeTrainingTensors(deps.engine, plan.pool, spec, tensorFile, job.signal);
    if (job.signal.aborted) throw trainingCancelled();
    const jobFile = path.join(workDir, 'job.json');
    const modelFile = (name: string) => path.join(plan.summary.folder, `${name}.onnx`);
    fs.writeFileSync(jobFile, JSON.stringify(trainingJobFile(plan, summary, request.seed, threads, { tensorFile, modelFile })));
    const onEvent = (event: ScriptEvent) => {
      if (event.event === 'start') log(`PyTorch ${event.torch}: training ${event.models} models, ${threads} thread(s).`);
      if (event.event === 'epoch') {
        bus.emit('training.progress', {
          jobId: summary.id,
          model: event.model,
          modelCount: summary.modelCount,
          epoch: event.epoch,
          epochs: event.epochs,
          loss: event.loss,
        });
      }
      if (event.event === 'model') {
        const planned = plan.models[event.model]!;
        writeSidecar(modelFile(planned.name), plan, summary, planned.trainOn.length, event);
        summary.results.push({
          name: event.name,
          trainAccuracy: event.trainAccuracy,
          heldOutAccuracy: event.heldOutAccuracy,
          seconds: event.seconds,
        });
        summary.modelsDone += 1;
        log(
          `${event.name}: trained in ${event.seconds.toFixed(1)} s; accuracy ${event.trainAccuracy.toFixed(3)} on its training records, ${event.heldOutAccuracy?.toFixed(3) ?? 'n/a'} held out.`,
        );
        publishTrainingJob(deps, job);
      }
    };
    const child = startTrainingProcess({ python: pythonPath, script: deps.script, jobFile, threads, onEvent, onLog: log });
    const stop = () => child.cancel();
    job.signal.addEventListener('abort', stop, { once: true });
    try {
      await child.finished;
    } finally {
      job.signal.removeEventListener('abort', stop);
    }
    const name =
      request.name ??
      `${plan.target.name} ${request.purpose === 'shadow' ? 'shadows' : 'reference models'} (trained, seed ${request.seed})`;
    const imported = await importModelSet(deps.db, { purpose: request.purpose, manifestPath: plan.summary.manifestPath, name });
    summary.modelSetId = imported.setId;
    summary.status = 'finished';
    log(`Imported ${imported.models.length} models as set "${name}".`);
  } catch (error) {
    const payload = toErrorPayload(error);
    summary.status = payload.code === 'training.cancelled' ? 'cancelled' : 'failed';
    summary.error = { code: payload.code, message: payload.message };
    log(payload.message);
  } finally {
    try {
      fs.rmSync(workDir, { recursive: true, force: true }); // the tensor file can be large; the plan and models stay
    } catch (error) {
      log(`Could not remove the temporary folder ${workDir}: ${(error as Error).message}`);
    }
    summary.finishedAt = new Date().toISOString();
    publishTrainingJob(deps, job);
  }
}

/** The sidecar that tells the importer how to feed the model: the target's preprocessing, classes and names. */
export function writeSidecar(
  onnxFile: string,
  plan: Pick<ResolvedSplitPlan, 'target' | 'targetConfig'>,
  summary: TrainingJobSummary,
  trainCount: number,
  event: Pick<Extract<ScriptEvent, { event: 'model' }>, 'name' | 'trainAccuracy' | 'heldOutAccuracy'>,
): void {
  const config = plan.targetConfig;
  const sidecar = {
    kind: 'classifier',
    preprocess: config.preprocess,
    classes: config.classes,
    ...(config.classNames ? { class_names: config.classNames } : {}),
    input_name: config.io.input ?? 'pixel_values',
    output: 'logits',
    output_name: 'logits',
    training: {
      ...summary.recipe,
      n_train: trainCount,
      purpose: summary.purpose,
      train_accuracy: event.trainAccuracy,
      held_out_accuracy: event.heldOutAccuracy,
    },
    description: `${summary.purpose} model ${event.name}, trained by MIA Workbench for target "${plan.target.name}"`,
  };
  fs.writeFileSync(onnxFile.replace(/\.onnx$/, '.json'), `${JSON.stringify(sidecar, null, 1)}\n`);
}
