// The shadow and reference models of a batch audit: imported from a manifest, or trained by the training bridge.
// A trained set is reused when its folder already holds a plan for the same purpose, seed, count and target that
// the workspace imported, so re-running an audit does not retrain for minutes.
import path from 'node:path';
import { TrainingStartRequest, type TrainingJobSummary, type TrainingProgress } from '../../src-shared/contract/contract';
import type { ModelSetConfig } from './audit-config';
import { MiaError, toErrorPayload } from '../common/errors';
import { parseWith } from '../common/parse';
import { readModelJsonFile } from '../engine/models/model-json-file';
import { findModelSetByManifest } from '../workspace/models-repo';
import { readModelSpec } from './run-inputs';
import type { Backend } from './backend';
import { importModelSet } from './model-import';
import { planFileNames } from './training/split-plan-files';

export interface ModelSetHooks {
  onStep?(message: string): void;
  onTrainingProgress?(progress: TrainingProgress): void;
}

interface Context {
  readonly backend: Backend;
  readonly purpose: 'shadow' | 'reference';
  readonly datasetId: number;
  readonly targetId: number;
  /** Resolves a path of the config against the config's folder. */
  readonly resolve: (file: string) => string;
  readonly hooks: ModelSetHooks;
}

/** The set trained earlier into `folder` for exactly this request, if the workspace holds it. */
function trainedEarlier(context: Context, folder: string, train: Extract<ModelSetConfig, { train: unknown }>['train']): number | undefined {
  const setId = findModelSetByManifest(context.backend.db, path.join(folder, planFileNames.manifest), context.purpose);
  if (setId === null) return undefined;
  try {
    const plan = readModelJsonFile(path.join(folder, planFileNames.plan), 'Training plan', 'model.bad-manifest') as {
      purpose?: string;
      seed?: number;
      models?: unknown[];
      target?: { sha256?: string };
    };
    const target = readModelSpec(context.backend.db, context.targetId, 'the audit target');
    const same =
      plan.purpose === context.purpose &&
      plan.seed === train.seed &&
      plan.models?.length === train.count &&
      plan.target?.sha256 === target.sha256;
    return same ? setId : undefined;
  } catch {
    return undefined;
  }
}

async function trainSet(context: Context, entry: Extract<ModelSetConfig, { train: unknown }>, key: string): Promise<number> {
  const { backend, purpose, hooks } = context;
  const folder = context.resolve(entry.train.folder);
  const reused = trainedEarlier(context, folder, entry.train);
  if (reused !== undefined) {
    hooks.onStep?.(`The ${purpose} models in ${folder} were trained earlier for this plan (set ${reused}); reusing them.`);
    return reused;
  }
  const { count, seed, trainSize, epochs, learningRate, batchSize, weightDecay, backend: trainingBackend, slurm } = entry.train;
  const recipe = Object.fromEntries(
    Object.entries({ epochs, learningRate, batchSize, weightDecay }).filter(([, value]) => value !== undefined),
  );
  hooks.onStep?.(`Training ${count} ${purpose} models into ${folder} …`);
  const request = parseWith(
    TrainingStartRequest,
    {
      purpose,
      datasetId: context.datasetId,
      targetModelId: context.targetId,
      count,
      seed,
      recipe,
      ...(trainSize !== undefined ? { trainSize } : {}),
      ...(entry.name ? { name: entry.name } : {}),
      ...(trainingBackend ? { backend: trainingBackend } : {}),
      ...(slurm ? { slurm } : {}),
    },
    `${key}.train`,
    'config.invalid',
  );
  let jobId: number;
  try {
    // The config's folder, typed by the person at the terminal, goes to the service: the page's contract takes names only.
    jobId = (await backend.training.start(request, folder)).id;
  } catch (error) {
    const payload = toErrorPayload(error);
    throw new MiaError(payload.code, `${key}.train: ${payload.message}`, payload.details);
  }
  let logged = 0;
  const stop = backend.bus.subscribe((event, payload) => {
    if (event === 'training.progress' && (payload as TrainingProgress).jobId === jobId)
      hooks.onTrainingProgress?.(payload as TrainingProgress);
    if (event === 'training.status' && (payload as TrainingJobSummary).id === jobId) {
      const { log } = payload as TrainingJobSummary;
      for (const line of log.slice(logged)) hooks.onStep?.(line);
      logged = log.length;
    }
  });
  try {
    await backend.training.idle();
  } finally {
    stop();
  }
  const job = backend.training.list().find((candidate) => candidate.id === jobId)!;
  if (job.status !== 'finished' || job.modelSetId === null) {
    throw new MiaError(job.error?.code ?? 'training.failed', `${key}.train: ${job.error?.message ?? `training ended ${job.status}`}`);
  }
  return job.modelSetId;
}

/** The set's id in the workspace: imported once per manifest, or trained (and reused) as the config says. */
export async function provideModelSet(context: Context, entry: ModelSetConfig): Promise<number> {
  const key = context.purpose === 'reference' ? 'references' : 'shadows';
  if ('train' in entry) return trainSet(context, entry, key);
  const manifest = context.resolve(entry.manifest);
  const existing = findModelSetByManifest(context.backend.db, manifest, context.purpose);
  if (existing !== null) return existing;
  return (
    await importModelSet(context.backend.db, {
      purpose: context.purpose,
      manifestPath: manifest,
      ...(entry.name ? { name: entry.name } : {}),
    })
  ).setId;
}
