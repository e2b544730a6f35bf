// What the Models view asks about models beyond the list: imports from the contract's requests, reference/shadow
// sets with their sizes, and one model's files, inputs/outputs, configuration and training-set size.
import { z } from 'zod';
import type { ModelDetails, ModelSetSummary, ModelSummary, ParsedRequestOf } from '../../src-shared/contract/contract';
import { fromJsonColumn } from '../common/json-column';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import { ModelIo } from '../engine/models/model-config';
import { getModel, getStoredModel, listModelSets, listStoredModelsInSet } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { importModel, importModelSet } from './model-import';
import { ImportModelRequest, ImportModelSetRequest } from './model-import-schemas';

const StoredFiles = z.record(z.string(), z.object({ path: z.string(), sha256: z.string() }));
const StoredConfig = z.record(z.string(), z.unknown());
const TrainedOn = z.array(z.string());

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
  const { setId, models } = await importModelSet(db, parseWith(ImportModelSetRequest, request, 'Model set import request', 'model.bad-import-request'));
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
  const row = getStoredModel(db, modelId);
  const files = fromJsonColumn(StoredFiles, row.files, `files of model ${row.id}`) ?? {};
  const io = fromJsonColumn(ModelIo, row.io, `io of model ${row.id}`) ?? {};
  const trainedOn = fromJsonColumn(TrainedOn, row.trained_on, `trained_on of model ${row.id}`);
  return {
    model: getModel(db, modelId),
    modelSetId: row.model_set_id,
    files: Object.entries(files).map(([role, file]) => ({ role, path: file.path, sha256: file.sha256 })),
    io: Object.fromEntries(Object.entries(io).map(([role, tensors]) => [role, { inputs: tensors.inputs, outputs: tensors.outputs }])),
    config: fromJsonColumn(StoredConfig, row.config, `config of model ${row.id}`) ?? {},
    trainedOnCount: trainedOn ? trainedOn.length : null,
  };
}
