// A front door for tests, standing in for the person at the machine: it answers the Python confirmation, the
// export destination and the training folder dialog as the test scripts it, and records every question, so a test
// can prove what was asked (or that nothing was) before anything ran or was written. Given a training root, it
// takes training folders by name under that root instead, as the headless host does; given a folder to browse from,
// it lets the page list folders, as the headless host does.
import type { SplitPurpose } from '../../src-shared/contract/contract';
import type { ExportDestination, FrontDoor } from '../../src-main/services/front-door';

export interface ScriptedFrontDoor {
  readonly frontDoor: FrontDoor;
  /** Interpreters the backend asked to have confirmed, in order. */
  readonly pythonAsked: (string | null)[];
  /** Suggested PDF names the backend asked a destination for, in order. */
  readonly exportAsked: string[];
  /** Existing files the backend asked to replace, one list per question. */
  readonly overwriteAsked: string[][];
  /** Purposes the backend opened the training folder dialog for, in order. */
  readonly folderAsked: SplitPurpose[];
  /** The next answers; change them between calls. `folder` answers the folder dialog (absent: cancelled). */
  answers: {
    python: boolean;
    destination: (suggestedName: string) => ExportDestination | null;
    overwrite?: boolean;
    folder?: (purpose: SplitPurpose) => string | null;
  };
}

export function scriptedFrontDoor(
  answers: ScriptedFrontDoor['answers'] = { python: false, destination: () => null },
  options: { trainingRoot?: string; browseStart?: string } = {},
): ScriptedFrontDoor {
  const scripted: ScriptedFrontDoor = {
    pythonAsked: [],
    exportAsked: [],
    overwriteAsked: [],
    folderAsked: [],
    answers,
    frontDoor: {
      ...(options.browseStart ? { openPaths: { kind: 'listing', startFolder: options.browseStart } as const } : {}),
      trainingFolders: options.trainingRoot
        ? { kind: 'named', root: options.trainingRoot }
        : {
            kind: 'dialog',
            choose: (purpose) => {
              scripted.folderAsked.push(purpose);
              return Promise.resolve(scripted.answers.folder?.(purpose) ?? null);
            },
          },
      confirmPythonInterpreter: (interpreter) => {
        scripted.pythonAsked.push(interpreter);
        return Promise.resolve(scripted.answers.python);
      },
      chooseExportDestination: (suggestedName) => {
        scripted.exportAsked.push(suggestedName);
        return Promise.resolve(scripted.answers.destination(suggestedName));
      },
      confirmOverwrite: (files) => {
        scripted.overwriteAsked.push([...files]);
        return Promise.resolve(scripted.answers.overwrite ?? false);
      },
    },
  };
  return scripted;
}
