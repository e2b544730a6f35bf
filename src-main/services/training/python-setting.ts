// The training bridge's Python: which interpreter is used (the host's --python, the saved setting, MIA_PYTHON or a
// search) and how the saved setting changes. A change proposed by the renderer is only a proposal: the front door
// must have the person confirm it outside the renderer before the path is so much as executed, because probing an
// interpreter runs it.
import type { PythonProbe, TrainingSettings } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import { getSetting, setSetting, settingKeys } from '../../workspace/settings-repo';
import type { FrontDoor } from '../front-door';
import { findPython, probeInterpreter } from './python-probe';

/** The settings fields this module owns; where training folders go is training-folder.ts's. */
export type PythonSettings = Pick<TrainingSettings, 'pythonPath' | 'pythonChangeable'>;

export interface PythonSetting {
  get(): PythonSettings;
  /** Saves a confirmed, working interpreter (or null: search again); refuses with a code otherwise. */
  update(pythonPath: string | null): Promise<PythonSettings>;
  /** The interpreter training would use now, and why others were passed over. */
  find(): Promise<PythonProbe>;
}

export function createPythonSetting(options: { db: WorkspaceDb; frontDoor: FrontDoor; option?: string | undefined }): PythonSetting {
  const { db, frontDoor } = options;
  const get = (): PythonSettings => ({
    pythonPath: getSetting(db, settingKeys.pythonPath),
    pythonChangeable: frontDoor.confirmPythonInterpreter !== undefined,
  });
  return {
    get,
    async update(pythonPath) {
      const confirm = frontDoor.confirmPythonInterpreter;
      if (!confirm) {
        throw new MiaError(
          'settings.python-fixed',
          'The Python interpreter cannot be changed from this page: the headless host runs the Python it was started with. Restart it with --python PATH, or set MIA_PYTHON.',
        );
      }
      if (!(await confirm(pythonPath))) {
        throw new MiaError(
          'settings.python-not-confirmed',
          `The change of the training bridge's Python to ${pythonPath ?? 'the automatic search'} was not confirmed; nothing changed.`,
          { path: pythonPath },
        );
      }
      if (pythonPath !== null) {
        const probe = await probeInterpreter(pythonPath);
        if ('problem' in probe)
          throw new MiaError('settings.bad-python', `Python ${pythonPath} cannot train models: ${probe.problem}.`, { path: pythonPath });
      }
      setSetting(db, settingKeys.pythonPath, pythonPath);
      return get();
    },
    find: () => findPython({ option: options.option ?? null, setting: getSetting(db, settingKeys.pythonPath) }),
  };
}
