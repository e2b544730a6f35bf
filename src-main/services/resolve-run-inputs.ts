// The one resolver of a run's inputs. Starting, re-running and resuming a run all go through here: the attack and
// its parsed parameters, the target, reference/shadow and null models, the records, every model file verified
// against its import hash, and the hashes that pin the run. A resumed run is also held to the pins it was started
// with, so it is computed on exactly the inputs of its first attempt. attackTaskOf turns the result into the task
// the engine host runs.
import type { z } from 'zod';
import type { RunStartRequest } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import type { AttackModule } from '../engine/attacks/attack-module';
import { findRunAttack } from '../engine/attacks/run-attack';
import { checkTargetAccess } from '../engine/attacks/target-access';
import type { RunRecord } from '../engine/attacks/run-record';
import type { AttackTask, ModelSpec } from '../engine/jobs/attack-task';
import type { ProviderRequest } from '../engine/models/execution-provider-request';
import { ModelConfig } from '../engine/models/model-config';
import { getDataset } from '../workspace/datasets-repo';
import { findModelSet } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { assertDataFits, findDataMismatches } from './data-fit';
import { environmentWithStoredKey } from './api-key-environment';
import type { ApiKeyStore } from './api-key-store';
import { remoteCacheFolder, verifyModelIdentity } from './remote-model-identity';
import { executionProviderAtStart } from './run-execution-provider';
import { pythonForAttack, runFilesFolder } from './run-training-bridge';
import { modelsHash, readModelSetSpecs, readModelSpec, readRunRecords, recordsHash } from './run-inputs';

export type RunRequest = z.output<typeof RunStartRequest>;

/** A stored run being resumed: messages name it, and its inputs must still hash to what it was pinned to. */
export interface PinnedRun {
  readonly runId: number;
  readonly modelHash: string;
  readonly dataHash: string;
}

export interface RunInputs {
  readonly attack: AttackModule;
  /** The request's parameters parsed by the attack's own schema, defaults filled in. */
  readonly params: unknown;
  readonly seed: number;
  readonly target: ModelSpec;
  readonly references: ModelSpec[];
  readonly shadows: ModelSpec[];
  readonly nullModel: ModelSpec | null;
  readonly records: RunRecord[];
  readonly modelHash: string;
  readonly dataHash: string;
  /** For runs with a remote model: where responses are cached, and the most requests the run may send. */
  readonly remote: { readonly cacheFolder: string; readonly queryBudget: number | null } | null;
  /** The execution provider asked for, already checked to be available here or allowed to fall back to the CPU. */
  readonly executionProvider: ProviderRequest;
  /** δ of the ε lower bound the request set; null: the default. */
  readonly epsilonDelta: number | null;
  /** The Python of an attack that trains while it runs (needs.python), found at Start; null for every other attack. */
  readonly python: string | null;
}

/**
 * `apiKeys`: the app's key store, where a remote model's apiKeyEnv is read first for its identity check; `pythonOption`:
 * the front door's --python, which an attack that trains while it runs uses before the saved setting.
 */
export async function resolveRunInputs(
  db: WorkspaceDb,
  request: RunRequest,
  pinned?: PinnedRun,
  apiKeys?: ApiKeyStore,
  pythonOption?: string,
): Promise<RunInputs> {
  const attack = findRunAttack(request.attack, request.params);
  // First, and cheap after the first run: a bad or unavailable provider is refused before any file is hashed.
  const executionProvider = await executionProviderAtStart(db);
  // Also before any hashing: an attack that trains with PyTorch is refused at once when there is no Python for it.
  const python = await pythonForAttack(db, attack, pythonOption);
  const params = pinned
    ? parseWith(attack.params, request.params, `Parameters of run ${pinned.runId} (${attack.id})`, 'run.bad-config')
    : parseWith(attack.params, request.params, `Parameters of ${attack.id}`, 'run.invalid-params');
  const missing = (modelId: number, what: string): string =>
    pinned
      ? `Run ${pinned.runId} used model ${modelId}, which is no longer in this workspace; the run cannot be resumed.`
      : `The ${what} (id ${modelId}) is not in this workspace.`;

  const target = readModelSpec(db, request.targetModelId, missing(request.targetModelId, 'target model'));
  if (target.kind !== attack.family) {
    throw new MiaError(
      'run.wrong-family',
      `The ${attack.title} attack needs a ${attack.family} model, but "${target.name}" is a ${target.kind} model.`,
    );
  }
  checkTargetAccess(attack, target);
  const dataset = getDataset(db, request.datasetId);
  const records = readRunRecords(db, request.datasetId);
  const dataHash = recordsHash(records);
  if (pinned && dataHash !== pinned.dataHash) {
    throw new MiaError(
      'run.inputs-changed',
      `Run ${pinned.runId}: the records of dataset ${request.datasetId} changed since the run started, so it cannot be resumed. Discard it and start a new run.`,
      { runId: pinned.runId, what: 'records' },
    );
  }
  // A set-level test scores suspects and references (its needs.roles, checked below), not audited records.
  if (!attack.setLevel && !records.some((r) => r.role === 'audit')) {
    throw new MiaError('run.no-audit-records', `Dataset "${dataset.name}" has no records with role "audit"; there is nothing to attack.`);
  }
  // A dataset that does not fit the target is never resized or converted silently.
  const targetConfig = parseWith(ModelConfig, target.config, `config of model ${target.id}`, 'workspace.corrupt-column');
  assertDataFits(findDataMismatches(db, { name: target.name, config: targetConfig }, dataset), request.resize === true);
  for (const role of attack.needs.roles ?? []) {
    if (!records.some((r) => r.role === role)) {
      throw new MiaError(
        'run.missing-role',
        `The ${attack.title} attack needs records with role "${role}", and dataset "${dataset.name}" has none.`,
      );
    }
  }
  const references = modelSet(db, request.referenceSetId, 'reference', attack.needs.referenceModels, attack.title);
  const shadows = modelSet(db, request.shadowSetId, 'shadow', attack.needs.shadowModels, attack.title);
  if (attack.setLevel && request.nullModelId !== undefined) {
    throw new MiaError(
      'run.unexpected-null-model',
      `The ${attack.title} run computes no per-record metric, so it takes no null model; start it without one.`,
    );
  }
  const nullModel = request.nullModelId ? readModelSpec(db, request.nullModelId, missing(request.nullModelId, 'null model')) : null;
  // The order target, references, shadows, null model is part of the pin.
  const models = [target, ...references, ...shadows, ...(nullModel ? [nullModel] : [])];
  const modelHash = modelsHash(models);
  if (pinned && modelHash !== pinned.modelHash) {
    throw new MiaError(
      'run.inputs-changed',
      `Run ${pinned.runId}: its models are not the ones the run was started with, so it cannot be resumed. Discard it and start a new run.`,
      { runId: pinned.runId, what: 'models' },
    );
  }
  // A model file that changed since import is never silently used, nor a served model whose metadata changed.
  for (const model of models)
    await verifyModelIdentity(model, model.remote ? environmentWithStoredKey(apiKeys, model.remote.endpoint) : process.env);
  const remote = models.some((model) => model.remote)
    ? { cacheFolder: remoteCacheFolder(db), queryBudget: request.queryBudget ?? null }
    : null;
  return {
    attack,
    params,
    seed: request.seed,
    target,
    references,
    shadows,
    nullModel,
    records,
    modelHash,
    dataHash,
    remote,
    executionProvider,
    epsilonDelta: request.epsilonDelta ?? null,
    python,
  };
}

/** The engine task of a run whose inputs are resolved. */
export function attackTaskOf(db: WorkspaceDb, runId: number, inputs: RunInputs): AttackTask {
  const { attack, params, seed, target, records, references, shadows, nullModel, remote, executionProvider } = inputs;
  return {
    kind: 'attack',
    runId,
    attack: attack.id,
    params,
    seed,
    target,
    records,
    references,
    shadows,
    nullModel,
    ...(remote ? { remoteCache: remote.cacheFolder } : {}),
    ...(remote?.queryBudget ? { queryBudget: remote.queryBudget } : {}),
    ...(inputs.epsilonDelta !== null ? { epsilonDelta: inputs.epsilonDelta } : {}),
    ...(inputs.python !== null ? { trainingBridge: { python: inputs.python, folder: runFilesFolder(db, runId) } } : {}),
    executionProvider,
  };
}

function modelSet(
  db: WorkspaceDb,
  setId: number | undefined,
  purpose: 'reference' | 'shadow',
  need: 'required' | 'optional' | undefined,
  title: string,
): ModelSpec[] {
  if (setId === undefined) {
    if (need === 'required')
      throw new MiaError(
        `run.missing-${purpose}-models`,
        `The ${title} attack needs a set of ${purpose} models; import one and choose it for the run.`,
      );
    return [];
  }
  const set = findModelSet(db, setId);
  if (!set) throw new MiaError('model-set.not-found', `There is no model set with id ${setId} in this workspace.`);
  if (set.purpose !== purpose)
    throw new MiaError('model-set.wrong-purpose', `Model set ${setId} holds ${set.purpose} models, but a ${purpose} set was expected.`);
  return readModelSetSpecs(db, setId);
}
