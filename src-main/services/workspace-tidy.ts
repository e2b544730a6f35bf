// Tidying the workspace: renaming and deleting datasets, models and runs. A delete is refused while anything still
// uses the item, and the refusal names what does; each check and its delete run in one immediate transaction, so no
// other process can start a run on the item in between and a crash leaves the item whole or gone, never half.
// The workspace owns rows only: a dataset's thumbnails live in its records' rows, and models and datasets are read
// from the auditor's own files, which a delete never touches.
import type { DatasetSummary, ModelSummary } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import { getDataset } from '../workspace/datasets-repo';
import { datasetUsers, deleteDatasetRows, findDatasetNamed, setDatasetName } from '../workspace/dataset-tidy';
import { deleteModelRow, findModelNamed, modelUsers, setModelName } from '../workspace/model-tidy';
import { getModel } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { listRerunsOf } from '../workspace/interrupted-runs';
import { deleteLandedRun } from '../workspace/run-deletion';
import { getRun } from '../workspace/runs-repo';
import { joinGroups, namedGroup } from './usage-text';

export function renameDataset(db: WorkspaceDb, datasetId: number, name: string): DatasetSummary {
  return db
    .transaction(() => {
      const dataset = getDataset(db, datasetId);
      if (findDatasetNamed(db, name, datasetId)) {
        throw new MiaError(
          'dataset.name-taken',
          `Dataset '${dataset.name}' cannot be renamed to '${name}': another dataset has that name.`,
          {
            datasetId,
            field: 'name',
          },
        );
      }
      setDatasetName(db, datasetId, name);
      const { rootPath: _rootPath, ...summary } = getDataset(db, datasetId);
      return summary;
    })
    .immediate();
}

export function deleteDataset(db: WorkspaceDb, datasetId: number): { id: number } {
  db.transaction(() => {
    const dataset = getDataset(db, datasetId);
    const users = datasetUsers(db, datasetId);
    const usedBy = joinGroups([
      namedGroup(
        'run',
        'runs',
        users.runs.map((run) => run.name),
      ),
      namedGroup(
        'training job',
        'training jobs',
        users.trainingJobs.map((job) => `${job.purpose} #${job.id}${job.setName ? ` → model set ${job.setName}` : ''}`),
      ),
    ]);
    if (usedBy) {
      throw new MiaError('dataset.in-use', `Dataset '${dataset.name}' is used by ${usedBy}; delete those first.`, {
        datasetId,
        runIds: users.runs.map((run) => run.id),
        trainingJobIds: users.trainingJobs.map((job) => job.id),
      });
    }
    deleteDatasetRows(db, datasetId);
  }).immediate();
  return { id: datasetId };
}

export function renameModel(db: WorkspaceDb, modelId: number, name: string): ModelSummary {
  return db
    .transaction(() => {
      const model = getModel(db, modelId);
      if (findModelNamed(db, name, modelId)) {
        throw new MiaError('model.name-taken', `Model '${model.name}' cannot be renamed to '${name}': another model has that name.`, {
          modelId,
          field: 'name',
        });
      }
      setModelName(db, modelId, name);
      return getModel(db, modelId);
    })
    .immediate();
}

/** A target's null models lose their link to it (they are items of their own); anything that ran on it blocks. */
export function deleteModel(db: WorkspaceDb, modelId: number): { id: number } {
  db.transaction(() => {
    const model = getModel(db, modelId);
    const users = modelUsers(db, modelId);
    const usedBy = joinGroups([
      namedGroup(
        'run',
        'runs',
        users.runsAsTarget.map((run) => run.name),
      ),
      namedGroup(
        'run as its null model',
        'runs as their null model',
        users.runsAsNullModel.map((run) => run.name),
      ),
      users.set ? `model set '${users.set.name}' (delete the set's models with the set)` : null,
      namedGroup(
        'training job',
        'training jobs',
        users.trainingJobs.map((job) => `${job.purpose} #${job.id}`),
      ),
    ]);
    if (usedBy) {
      throw new MiaError('model.in-use', `Model '${model.name}' is used by ${usedBy}; delete those first.`, {
        modelId,
        runIds: [...users.runsAsTarget, ...users.runsAsNullModel].map((run) => run.id),
      });
    }
    deleteModelRow(db, modelId);
  }).immediate();
  return { id: modelId };
}

/** A run that has landed goes with its scores, metrics, checks and log; a queued or running one is never deleted. */
export function deleteRun(db: WorkspaceDb, runId: number): { id: number } {
  db.transaction(() => {
    const run = getRun(db, runId);
    const reruns = listRerunsOf(db, runId);
    if (reruns.length > 0) {
      throw new MiaError(
        'run.referenced',
        `Run '${run.name}' cannot be deleted: ${joinGroups([
          namedGroup(
            'run',
            'runs',
            reruns.map((id) => getRun(db, id).name),
          ),
        ])} ${reruns.length === 1 ? 'was' : 'were'} started as a re-run of it.`,
        { runId, rerunIds: reruns },
      );
    }
    if (!deleteLandedRun(db, runId)) {
      throw new MiaError('run.still-running', `Run '${run.name}' cannot be deleted while it is ${run.status}; cancel it first.`, {
        runId,
        status: run.status,
      });
    }
  }).immediate();
  return { id: runId };
}
