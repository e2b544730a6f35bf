// Writes a model's `config` column after import: only the auditor's preprocessing override (models.setPreprocess)
// changes it. Files, hashes and I/O stay as imported.
import { toJsonColumn } from '../common/json-column';
import type { WorkspaceDb } from './open-workspace';

export function setModelConfig(db: WorkspaceDb, modelId: number, config: Record<string, unknown>): void {
  db.prepare('UPDATE models SET config = ? WHERE id = ?').run(toJsonColumn(config), modelId);
}
