// Links a null model to the target it belongs to, so New run pre-selects it when that target is chosen. Only a null
// model imported on its own can be linked, and only to a target of its family; the CLI's config still names its
// null model directly.
import type { ModelSummary } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import { setNullModelLink } from '../workspace/model-tidy';
import { getStoredModel, getModel } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';

export function linkNullModel(db: WorkspaceDb, modelId: number, targetModelId: number | null): ModelSummary {
  return db
    .transaction(() => {
      const model = getStoredModel(db, modelId);
      if (model.role !== 'null' || model.modelSetId !== null) {
        throw new MiaError(
          'model.bad-null-link',
          `Model '${model.name}' is a ${model.role} model${model.modelSetId !== null ? ' in a set' : ''}; only a null model imported on its own can be linked to a target.`,
          { modelId, field: 'modelId' },
        );
      }
      if (targetModelId !== null) {
        const target = getStoredModel(db, targetModelId);
        if (target.role !== 'target' || target.modelSetId !== null || target.kind !== model.kind) {
          throw new MiaError(
            'model.bad-null-link',
            `Model '${target.name}' (${target.kind}, ${target.role}) cannot have '${model.name}' as its null model: expected a ${model.kind} target imported on its own.`,
            { modelId, targetModelId, field: 'targetModelId' },
          );
        }
      }
      setNullModelLink(db, modelId, targetModelId);
      return getModel(db, modelId);
    })
    .immediate();
}
