// A batch audit from a config file: imports what the config names (reusing what the workspace already holds),
// then runs each listed attack through the engine host, one after another. Used by `mia audit` and `npm run demo`.
import path from 'node:path';
import type { RunProgress, RunSummary } from '../../src-shared/contract/contract';
import type { AuditConfig } from './audit-config';
import { isMiaError, MiaError } from '../common/errors';
import type { AttackModule } from '../engine/attacks/attack-module';
import { findRunAttack } from '../engine/attacks/run-attack';
import { onnxFileOf } from '../engine/models/hugging-face-folder';
import { isPipelineFolder, readPipelineFolder } from '../engine/models/pipeline-folder';
import { findReadyDatasetBySource } from '../workspace/datasets-repo';
import { listSingleModelsWithRole, type StoredModel } from '../workspace/models-repo';
import { sha256OfFile, verifyModelFiles } from './model-files';
import type { Backend } from './backend';
import { importDataset } from './dataset-import';
import { provideModelSet, type ModelSetHooks } from './audit-model-sets';
import { importModel } from './model-import';
import { importRemoteModel } from './remote-model-import';
import { remoteRoles, variationRole, type RemoteComponent, type RemoteEndpoint } from '../../src-shared/domain/remote-models';

export interface AuditHooks extends ModelSetHooks {
  onProgress?(progress: RunProgress, attack: string): void;
}

export interface AuditImports {
  datasetId: number;
  targetId: number;
  referenceSetId?: number;
  shadowSetId?: number;
  nullModelId?: number;
}

/** The dataset and the target of an audit config, imported unless the workspace already holds them. */
export async function importAuditTarget(
  backend: Backend,
  config: AuditConfig,
  baseDir: string,
  hooks: AuditHooks = {},
): Promise<{ datasetId: number; targetId: number }> {
  const db = backend.db;
  const resolve = (file: string): string => path.resolve(baseDir, file);

  const datasetPath = resolve(config.dataset.path);
  const existingDataset = findReadyDatasetBySource(db, datasetPath);
  let datasetId: number;
  if (existingDataset !== null) {
    datasetId = existingDataset;
    hooks.onStep?.(`Dataset ${datasetPath} is already in the workspace (dataset ${datasetId}).`);
  } else {
    hooks.onStep?.(`Importing dataset ${datasetPath} …`);
    try {
      const { dataset } = await importDataset(db, {
        kind: config.dataset.kind,
        path: datasetPath,
        ...(config.dataset.labels ? { labelsPath: resolve(config.dataset.labels) } : {}),
        ...(config.dataset.name ? { name: config.dataset.name } : {}),
        ...(config.dataset.defaultRole ? { defaultRole: config.dataset.defaultRole } : {}),
      });
      datasetId = dataset.id;
    } catch (error) {
      // The same records moved or copied elsewhere: an audit config names data, not an import, so it reuses what the
      // workspace already holds (as it does for a path imported before) instead of stopping on the duplicate.
      const existing = isMiaError(error, 'dataset.duplicate') ? error.details?.['existingId'] : undefined;
      if (typeof existing !== 'number') throw error;
      datasetId = existing;
      hooks.onStep?.(`Dataset ${datasetPath} holds the same records as dataset ${datasetId}; using that one.`);
    }
  }

  const target = config.target;
  if (target.remote) return { datasetId, targetId: await importAuditRemoteTarget(backend, config, resolve, hooks) };
  // The config's schema ensures a CLIP target has a combined model or an image model.
  const targetFile = resolve(
    target.kind === 'clip'
      ? (target.model ?? target.imageModel ?? '')
      : target.kind === 'diffusion'
        ? (target.pipeline ?? target.model ?? '')
        : (target.model ?? ''),
  );
  // A target marked label-only is another target than the same file unmarked: neither stands in for the other.
  const labelOnly = target.kind === 'classifier' && target.labelOnly === true;
  const targetId =
    (await findSingleModel(
      backend,
      targetFile,
      'target',
      (model) => target.kind !== 'classifier' || (model.config['labelOnly'] === true) === labelOnly,
    )) ??
    (
      await importModel(
        db,
        target.kind === 'classifier'
          ? {
              kind: 'classifier',
              role: 'target',
              modelPath: targetFile,
              ...(target.sidecar ? { sidecarPath: resolve(target.sidecar) } : {}),
              ...(target.name ? { name: target.name } : {}),
              // No stored copy with this mark was found above, so a duplicate here is the other mark's: import this one beside it.
              allowDuplicate: true,
              ...(labelOnly ? { config: { labelOnly: true } } : {}),
            }
          : target.kind === 'clip'
            ? {
                kind: 'clip',
                role: 'target',
                ...(target.model ? { modelPath: targetFile } : { imageModelPath: targetFile }),
                ...(target.textModel ? { textModelPath: resolve(target.textModel) } : {}),
                ...(target.tokenizer ? { tokenizerPath: resolve(target.tokenizer) } : {}),
                ...(target.sidecar ? { sidecarPath: resolve(target.sidecar) } : {}),
                ...(target.textSidecar ? { textSidecarPath: resolve(target.textSidecar) } : {}),
                ...(target.name ? { name: target.name } : {}),
              }
            : {
                kind: 'diffusion',
                role: 'target',
                ...(target.pipeline ? { pipelinePath: targetFile } : { modelPath: targetFile }),
                ...(target.scheduler ? { schedulerPath: resolve(target.scheduler) } : {}),
                ...(target.sidecar ? { sidecarPath: resolve(target.sidecar) } : {}),
                ...(target.name ? { name: target.name } : {}),
              },
      )
    ).id;

  return { datasetId, targetId };
}

/**
 * A target served over the network: imported through the remote import service, or, when the workspace already holds
 * the same endpoint and components with the same metadata (the import is refused as model.duplicate), reused.
 */
async function importAuditRemoteTarget(
  backend: Backend,
  config: AuditConfig,
  resolve: (file: string) => string,
  hooks: AuditHooks,
): Promise<number> {
  const target = config.target;
  const served = (model: string, version: string | undefined): RemoteComponent => ({ model, ...(version ? { version } : {}) });
  let endpoint: RemoteEndpoint;
  let components: Record<string, RemoteComponent>;
  let variationProtocol = false;
  if (target.kind === 'clip') {
    if (!target.remote) throw new MiaError('config.invalid', 'The audit target has no "remote".');
    const { imageModel, imageVersion, textModel, textVersion, ...reach } = target.remote;
    endpoint = reach;
    components = { image: served(imageModel, imageVersion), text: served(textModel, textVersion) };
  } else {
    if (!target.remote) throw new MiaError('config.invalid', 'The audit target has no "remote".');
    // A diffusion target may be an image-variation API, whose one component is its `variations` model.
    const { model, version, protocol, ...reach } = { protocol: undefined, ...target.remote };
    variationProtocol = protocol === 'image-variation';
    endpoint = reach;
    // A classifier serves its `model`, a diffusion target its `denoiser` (remote-models.ts).
    components = { [variationProtocol ? variationRole : (remoteRoles[target.kind][0] as string)]: served(model, version) };
  }
  const file = (given: string | undefined) => (given ? resolve(given) : undefined);
  const sidecar = file(target.sidecar);
  const tokenizer = target.kind === 'clip' ? file(target.tokenizer) : undefined;
  const textSidecar = target.kind === 'clip' ? file(target.textSidecar) : undefined;
  const scheduler = target.kind === 'diffusion' ? file(target.scheduler) : undefined;
  hooks.onStep?.(`Reading the remote ${target.kind} model at ${endpoint.url} …`);
  try {
    const imported = await importRemoteModel(backend.db, {
      kind: target.kind,
      role: 'target',
      ...(variationProtocol ? { protocol: 'image-variation' as const } : {}),
      endpoint,
      components,
      ...(target.name ? { name: target.name } : {}),
      ...(sidecar ? { sidecarPath: sidecar } : {}),
      ...(textSidecar ? { textSidecarPath: textSidecar } : {}),
      ...(tokenizer ? { tokenizerPath: tokenizer } : {}),
      ...(scheduler ? { schedulerPath: scheduler } : {}),
      ...(target.kind === 'classifier' && target.labelOnly === true ? { config: { labelOnly: true } } : {}),
    });
    return imported.id;
  } catch (error) {
    const existing = isMiaError(error, 'model.duplicate') ? error.details?.['existingId'] : undefined;
    if (typeof existing !== 'number') throw error;
    hooks.onStep?.(`The remote model at ${endpoint.url} is already in the workspace (model ${existing}); using that one.`);
    return existing;
  }
}

export async function importAuditInputs(
  backend: Backend,
  config: AuditConfig,
  baseDir: string,
  hooks: AuditHooks = {},
): Promise<AuditImports> {
  const db = backend.db;
  const resolve = (file: string): string => path.resolve(baseDir, file);
  const { datasetId, targetId } = await importAuditTarget(backend, config, baseDir, hooks);
  const imports: AuditImports = { datasetId, targetId };
  for (const purpose of ['reference', 'shadow'] as const) {
    const entry = purpose === 'reference' ? config.references : config.shadows;
    if (!entry) continue;
    const setId = await provideModelSet({ backend, purpose, datasetId, targetId, resolve, hooks }, entry);
    if (purpose === 'reference') imports.referenceSetId = setId;
    else imports.shadowSetId = setId;
  }
  if (config.nullModel) {
    const file = resolve(config.nullModel.model);
    imports.nullModelId =
      (await findSingleModel(backend, file, 'null')) ??
      (
        await importModel(db, {
          kind: 'classifier',
          role: 'null',
          modelPath: file,
          ...(config.nullModel.name ? { name: config.nullModel.name } : {}),
        })
      ).id;
  }
  return imports;
}

/** A model already imported with the same file content and role, so repeated audits do not pile up copies. */
async function findSingleModel(
  backend: Backend,
  file: string,
  role: 'target' | 'null',
  fits: (model: StoredModel) => boolean = () => true,
): Promise<number | undefined> {
  let hash: string;
  try {
    // A Hugging Face folder is found by its model.onnx, a diffusers pipeline folder by its denoiser.
    hash = await sha256OfFile(isPipelineFolder(file) ? readPipelineFolder(file).files.denoiser : onnxFileOf(file));
  } catch {
    return undefined; // The import itself reports a missing or unreadable file, naming it.
  }
  for (const model of listSingleModelsWithRole(backend.db, role)) {
    if (!fits(model) || !Object.values(model.files).some((f) => f.sha256 === hash)) continue;
    // Its other files (external weights, a tokenizer) must be unchanged too; otherwise the audit imports it anew.
    try {
      await verifyModelFiles(model.name, model.files, model.sha256);
      return model.id;
    } catch (error) {
      if (!(error instanceof MiaError)) throw error;
    }
  }
  return undefined;
}

export async function runAudit(backend: Backend, config: AuditConfig, baseDir: string, hooks: AuditHooks = {}): Promise<RunSummary[]> {
  const imports = await importAuditInputs(backend, config, baseDir, hooks);
  const finished: RunSummary[] = [];
  for (const run of config.runs) {
    hooks.onStep?.(`Running ${run.attack} (seed ${run.seed}) …`);
    const attack = findRunAttack(run.attack, run.params);
    const started = await backend.router.dispatch('runs.start', {
      attack: run.attack,
      targetModelId: imports.targetId,
      datasetId: imports.datasetId,
      seed: run.seed,
      params: run.params,
      ...(imports.referenceSetId && needsModels(attack, 'reference') ? { referenceSetId: imports.referenceSetId } : {}),
      ...(imports.shadowSetId && needsModels(attack, 'shadow') ? { shadowSetId: imports.shadowSetId } : {}),
      // A set-level test computes no per-record metric, so the config's null model is not asked of it.
      ...(imports.nullModelId && !attack.setLevel ? { nullModelId: imports.nullModelId } : {}),
      ...(run.queryBudget ? { queryBudget: run.queryBudget } : {}),
      ...(run.delta !== undefined ? { epsilonDelta: run.delta } : {}),
    });
    if (!started.ok)
      throw new MiaError(
        started.error.code,
        `runs[${config.runs.indexOf(run)}] (${run.attack}): ${started.error.message}`,
        started.error.details,
      );
    const runId = (started.data as RunSummary).id;
    const stop = backend.bus.subscribe((event, payload) => {
      if (event === 'runs.progress' && (payload as RunProgress).runId === runId) hooks.onProgress?.(payload as RunProgress, run.attack);
    });
    try {
      await backend.idle();
    } finally {
      stop();
    }
    const result = await backend.router.dispatch('runs.get', { runId });
    if (!result.ok) throw new MiaError(result.error.code, result.error.message);
    finished.push(result.data as RunSummary);
  }
  return finished;
}

function needsModels(attack: AttackModule, purpose: 'reference' | 'shadow'): boolean {
  const needs = attack.needs;
  return (purpose === 'reference' ? needs.referenceModels : needs.shadowModels) !== undefined;
}
