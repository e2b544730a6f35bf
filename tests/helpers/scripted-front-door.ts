// A front door for tests, standing in for the person at the machine: it answers the Python confirmation and the
// export destination as the test scripts it, and records every question, so a test can prove what was asked (or
// that nothing was) before anything ran or was written.
import type { ExportDestination, FrontDoor } from '../../src-main/services/front-door';

export interface ScriptedFrontDoor {
  readonly frontDoor: FrontDoor;
  /** Interpreters the backend asked to have confirmed, in order. */
  readonly pythonAsked: (string | null)[];
  /** Suggested PDF names the backend asked a destination for, in order. */
  readonly exportAsked: string[];
  /** Existing files the backend asked to replace, one list per question. */
  readonly overwriteAsked: string[][];
  /** The next answers; change them between calls. */
  answers: { python: boolean; destination: (suggestedName: string) => ExportDestination | null; overwrite?: boolean };
}

export function scriptedFrontDoor(answers: ScriptedFrontDoor['answers'] = { python: false, destination: () => null }): ScriptedFrontDoor {
  const scripted: ScriptedFrontDoor = {
    pythonAsked: [],
    exportAsked: [],
    overwriteAsked: [],
    answers,
    frontDoor: {
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
