// Keeps an import from creating a silent duplicate: content already in the workspace is refused with
// dataset.duplicate or model.duplicate, naming the existing item (its id and name ride in the details, so the UI can
// offer it), unless the request says `allowDuplicate: true`. A model set is imported from its manifest into a set
// of its own and is not compared.
import { MiaError } from '../common/errors';
import { computeDatasetContentHash, findDatasetWithContent } from '../workspace/dataset-tidy';
import { findSingleModelWithHash } from '../workspace/model-tidy';
import type { WorkspaceDb } from '../workspace/open-workspace';

/** The content hash of the dataset being imported; throws when another dataset already has it and duplicates are not allowed. */
export function datasetContentOrDuplicate(
  db: WorkspaceDb,
  importing: { id: number; name: string; recordCount: number },
  allowDuplicate: boolean,
): string {
  const contentSha256 = computeDatasetContentHash(db, importing.id);
  if (allowDuplicate) return contentSha256;
  const existing = findDatasetWithContent(db, contentSha256, importing.recordCount, importing.id);
  if (existing) {
    throw new MiaError(
      'dataset.duplicate',
      `'${importing.name}' has the same records, files and labels as dataset '${existing.name}', which is already in the workspace; use that one, or import again as a copy.`,
      { existingId: existing.id, existingName: existing.name },
    );
  }
  return contentSha256;
}

export function refuseDuplicateModel(
  db: WorkspaceDb,
  model: { name: string; kind: string; role: string; sha256: string },
  allowDuplicate: boolean,
): void {
  if (allowDuplicate) return;
  const existing = findSingleModelWithHash(db, model);
  if (existing) {
    throw new MiaError(
      'model.duplicate',
      `'${model.name}' has the same files as ${model.role} model '${existing.name}', which is already in the workspace; use that one, or import again as a copy.`,
      { existingId: existing.id, existingName: existing.name },
    );
  }
}
