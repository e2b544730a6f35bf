// The training bridge of a run whose attack trains a model while it runs (needs.python: qmia's quantile regressor):
// the Python found the way training jobs find theirs (--python, the saved setting, MIA_PYTHON, a search), checked at
// Start so that a run without one is refused before it is created, and the run's own folder in the workspace where
// what it trains is kept beside the database.
import path from 'node:path';
import { MiaError } from '../common/errors';
import type { AttackModule } from '../engine/attacks/attack-module';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { getSetting, settingKeys } from '../workspace/settings-repo';
import { findPython } from './training/python-probe';

/** The interpreter the attack's training will use, or null for an attack that trains nothing. */
export async function pythonForAttack(db: WorkspaceDb, attack: AttackModule, option?: string): Promise<string | null> {
  if (attack.needs.python !== 'required') return null;
  const probe = await findPython({ option: option ?? null, setting: getSetting(db, settingKeys.pythonPath) });
  if (probe.found && probe.path) return probe.path;
  const tried = probe.tried.map((t) => `${t.path}: ${t.problem}`).join('; ');
  throw new MiaError(
    'run.no-python',
    `The ${attack.title} attack trains a model with PyTorch while it runs, and no Python with PyTorch was found (${tried}). Choose one in the app's Settings, start the headless host with --python PATH or set MIA_PYTHON.`,
    { tried: probe.tried },
  );
}

/** `<workspace folder>/run-files/<run id>`: files a run produces besides its rows (qmia's regressor and its job file). */
export function runFilesFolder(db: WorkspaceDb, runId: number): string {
  return path.join(path.dirname(path.resolve(db.name)), 'run-files', String(runId));
}
