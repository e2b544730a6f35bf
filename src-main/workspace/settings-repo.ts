// Workspace settings: one text value per key. Keys are named here so a typo cannot create a second setting.
import type { WorkspaceDb } from './open-workspace';

export const settingKeys = {
  /** The Python interpreter of the training bridge; absent = search for one. */
  pythonPath: 'training.python-path',
  /** ONNX Runtime's execution provider for runs: "cpu", "cuda" or "cuda,cpu"; absent = cpu. $MIA_ENGINE_PROVIDER wins. */
  executionProvider: 'engine.execution-provider',
  /** The risk policy YAML the UI judges every target against (an absolute path); absent = none. */
  policyPath: 'audit.policy-path',
  /** The prior fraction of members precision is stated for, as decimal text; absent = DEFAULT_MEMBER_PRIOR. */
  memberPrior: 'audit.member-prior',
} as const;

export type SettingKey = (typeof settingKeys)[keyof typeof settingKeys];

export function getSetting(db: WorkspaceDb, key: SettingKey): string | null {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

/** Stores `value`, or removes the setting when it is null. */
export function setSetting(db: WorkspaceDb, key: SettingKey, value: string | null): void {
  if (value === null) db.prepare('DELETE FROM settings WHERE key = ?').run(key);
  else db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
