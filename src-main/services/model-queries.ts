// What the Models view asks about models beyond the list: imports from the contract's requests, reference/shadow
// sets with their sizes, and one model's files, inputs/outputs, configuration and training-set size.
import type { ModelDetails, ModelSetSummary, ModelSummary, ParsedRequestOf } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import { getModel, getStoredModel, listModelSets, listStoredModelsInSet } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { modelFileFacts } from './model-files';
import { importModel, importModelSet } from './model-import';
import { ImportModelRequest, ImportModelSetRequest } from './model-import-schemas';

/**
 * The contract keeps `config` open so the renderer needs no engine schema. Here the request is parsed with the
 * family's own schemas, which gives it the import service's type and refuses a bad override with
 * model.bad-import-request (the service parses once more, as it does for the CLI's requests).
 */
export function importModelFromContract(db: WorkspaceDb, request: ParsedRequestOf<'models.import'>): Promise<ModelSummary> {
  return importModel(db, parseWith(ImportModelRequest, request, 'Model import request', 'model.bad-import-request'));
}

export async function importModelSetFromContract(
  db: WorkspaceDb,
  request: ParsedRequestOf<'models.importSet'>,
): Promise<{ set: ModelSetSummary; models: ModelSummary[] }> {
  const { setId, models } = await importModelSet(
    db,
    parseWith(ImportModelSetRequest, request, 'Model set import request', 'model.bad-import-request'),
  );
  const set = listModelSetSummaries(db).find((entry) => entry.id === setId);
  if (!set) throw new MiaError('model-set.not-found', `The model set ${setId} was imported but cannot be read back.`);
  return { set, models };
}

export function listModelSetSummaries(db: WorkspaceDb): ModelSetSummary[] {
  return listModelSets(db).map((row) => ({
    id: row.id,
    name: row.name,
    purpose: row.purpose,
    manifestPath: row.manifest_path,
    modelCount: listStoredModelsInSet(db, row.id).length,
    createdAt: row.created_at,
  }));
}

export function modelDetails(db: WorkspaceDb, modelId: number): ModelDetails {
  const stored = getStoredModel(db, modelId);
  return {
    model: getModel(db, modelId),
    modelSetId: stored.modelSetId,
    files: modelFileFacts(stored.files),
    io: Object.fromEntries(
      Object.entries(stored.io).map(([role, tensors]) => [role, { inputs: tensors.inputs, outputs: tensors.outputs }]),
    ),
    config: stored.config,
    trainedOnCount: stored.trainedOn ? stored.trainedOn.length : null,
    remote: stored.remote,
  };
}
