// Prepares a new run (a fresh start or a re-run): resolves its inputs, writes the run row with the full
// configuration and the hashes that pin it to exactly these inputs, and returns the engine task.
import { engineVersion } from '../common/engine-version';
import type { AttackTask } from '../engine/jobs/attack-task';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { createRun } from '../workspace/runs-repo';
import type { ApiKeyStore } from './api-key-store';
import { attackTaskOf, resolveRunInputs, type RunRequest } from './resolve-run-inputs';
import { runNameFor } from './run-naming';
import { greyExpandedIn, targetPreprocessOf } from './run-preprocess-pin';

export async function prepareAttackRun(
  db: WorkspaceDb,
  request: RunRequest,
  /**
   * `apiKeys`: the app's key store, for the check of a remote model's identity before the run; `pythonOption`: the front
   * door's --python, for an attack that trains while it runs.
   */
  options: { rerunOf?: number; apiKeys?: ApiKeyStore; pythonOption?: string | undefined } = {},
): Promise<{ runId: number; task: AttackTask }> {
  const inputs = await resolveRunInputs(db, request, undefined, options.apiKeys, options.pythonOption);
  const targetPreprocess = targetPreprocessOf(inputs.target);
  // What a re-run or a resume reads back (ui-queries-rerun.ts): ids that were not given are stored as null.
  const config = {
    attack: inputs.attack.id,
    params: inputs.params,
    seed: request.seed,
    targetModelId: inputs.target.id,
    datasetId: request.datasetId,
    referenceSetId: request.referenceSetId ?? null,
    shadowSetId: request.shadowSetId ?? null,
    nullModelId: request.nullModelId ?? null,
    // The auditor's choice to resize images to the target's input size, kept so the run says how it was computed.
    resize: request.resize === true,
    // The exact preprocessing the target is scored with; the model's may be overridden later (models.setPreprocess).
    targetPreprocess,
    // Greyscale records fed to a colour model as RGB: allowed only by the model's preprocessing, and said here.
    greyExpanded: greyExpandedIn(db, request.datasetId, targetPreprocess),
    // A remote target's query budget: a resume or re-run is held to the same limit (the cache keeps what was paid for).
    queryBudget: request.queryBudget ?? null,
    // δ of the ε lower bound; null: the default. A resume or re-run computes its bound at the same δ.
    epsilonDelta: request.epsilonDelta ?? null,
  };
  const runId = createRun(db, {
    name: runNameFor(db, inputs, request),
    attack: inputs.attack.id,
    family: inputs.attack.family,
    targetModelId: inputs.target.id,
    datasetId: request.datasetId,
    config,
    engineVersion,
    modelHash: inputs.modelHash,
    dataHash: inputs.dataHash,
    rerunOf: options.rerunOf ?? null,
  });
  return { runId, task: attackTaskOf(db, runId, inputs) };
}
