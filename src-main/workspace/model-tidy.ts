// Model rows for tidying the workspace: renaming, what still uses a model, deleting it, linking a null model to its
// target, and finding a model already imported with the same files. The rules are in services/workspace-tidy.ts.
import type { WorkspaceDb } from './open-workspace';

/** Another model with this name, or null. */
export function findModelNamed(db: WorkspaceDb, name: string, exceptId: number): { id: number } | null {
  return (db.prepare('SELECT id FROM models WHERE name = ? AND id <> ?').get(name, exceptId) as { id: number } | undefined) ?? null;
}

export function setModelName(db: WorkspaceDb, modelId: number, name: string): void {
  db.prepare('UPDATE models SET name = ? WHERE id = ?').run(name, modelId);
}

export interface ModelUsers {
  readonly runsAsTarget: { id: number; name: string }[];
  /** Runs whose stored configuration names the model as their null model. */
  readonly runsAsNullModel: { id: number; name: string }[];
  readonly set: { id: number; name: string } | null;
  readonly trainingJobs: { id: number; purpose: string }[];
}

export function modelUsers(db: WorkspaceDb, modelId: number): ModelUsers {
  return {
    runsAsTarget: db.prepare('SELECT id, name FROM runs WHERE target_model_id = ? ORDER BY id').all(modelId) as ModelUsers['runsAsTarget'],
    runsAsNullModel: db
      .prepare("SELECT id, name FROM runs WHERE json_extract(config, '$.nullModelId') = ? ORDER BY id")
      .all(modelId) as ModelUsers['runsAsNullModel'],
    set:
      (db
        .prepare('SELECT s.id AS id, s.name AS name FROM models m JOIN model_sets s ON s.id = m.model_set_id WHERE m.id = ?')
        .get(modelId) as { id: number; name: string } | undefined) ?? null,
    trainingJobs: db
      .prepare('SELECT id, purpose FROM training_jobs WHERE target_model_id = ? ORDER BY id')
      .all(modelId) as ModelUsers['trainingJobs'],
  };
}

/** Deletes the row; null models linked to it lose the link (ON DELETE SET NULL). Files on disk are not touched. */
export function deleteModelRow(db: WorkspaceDb, modelId: number): boolean {
  return db.prepare('DELETE FROM models WHERE id = ?').run(modelId).changes === 1;
}

export function setNullModelLink(db: WorkspaceDb, nullModelId: number, targetModelId: number | null): void {
  db.prepare('UPDATE models SET null_for_model_id = ? WHERE id = ?').run(targetModelId, nullModelId);
}

/** A model imported on its own with the same kind, role and model hash (the hash covers every file), or null. */
export function findSingleModelWithHash(
  db: WorkspaceDb,
  model: { kind: string; role: string; sha256: string },
): { id: number; name: string } | null {
  return (
    (db
      .prepare('SELECT id, name FROM models WHERE kind = ? AND role = ? AND sha256 = ? AND model_set_id IS NULL ORDER BY id')
      .get(model.kind, model.role, model.sha256) as { id: number; name: string } | undefined) ?? null
  );
}
