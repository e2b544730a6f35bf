// The app's front door: native dialogs shown by the main process, which the renderer cannot draw or answer. A new
// Python interpreter runs only after the auditor confirms its exact path here, a report goes where the save
// dialog says (the CSVs beside the PDF), and a training plan and its models go into the folder the folder dialog
// gives — never to a path the renderer named; existing report files are replaced only when confirmed. Files to
// import are chosen in the open dialog, filtered by what they are for.
import { app, BrowserWindow, dialog, type MessageBoxOptions, type OpenDialogOptions, type SaveDialogOptions } from 'electron';
import path from 'node:path';
import type { OpenPurpose } from '../../src-shared/contract/contract';
import type { FrontDoor } from '../services/front-door';
import { openDialogOptions } from './open-dialog-options';

/** The dialog's parent, so it is modal to the workbench; none when every window is closed. */
function parentWindow(): BrowserWindow | undefined {
  return BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
}

/** A modal question with Cancel (the default) and one confirming button; true when the auditor confirmed. */
async function confirmed(options: MessageBoxOptions): Promise<boolean> {
  const question: MessageBoxOptions = { ...options, defaultId: 0, cancelId: 0, noLink: true };
  const parent = parentWindow();
  const { response } = parent ? await dialog.showMessageBox(parent, question) : await dialog.showMessageBox(question);
  return response === 1;
}

/** The open dialog for a purpose (a file, a folder, or on macOS either for a model folder). */
async function chooseOpen(purpose: OpenPurpose): Promise<string | null> {
  const options = openDialogOptions(purpose, process.platform, app.getPath('documents'));
  const parent = parentWindow();
  const { canceled, filePaths } = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return canceled || !filePaths[0] ? null : filePaths[0];
}

export function electronFrontDoor(): FrontDoor {
  return {
    openPaths: { kind: 'dialog', choose: chooseOpen },
    trainingFolders: {
      kind: 'dialog',
      async choose(purpose) {
        const options: OpenDialogOptions = {
          title: purpose === 'shadow' ? 'Folder for the shadow models' : 'Folder for the reference models',
          message: 'plan.json, manifest.json and splits.csv (and trained models) are written here; plan files already there are replaced.',
          buttonLabel: 'Write here',
          defaultPath: app.getPath('documents'),
          properties: ['openDirectory', 'createDirectory'],
        };
        const parent = parentWindow();
        const { canceled, filePaths } = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
        return canceled || !filePaths[0] ? null : filePaths[0];
      },
    },
    async confirmPythonInterpreter(interpreter) {
      return confirmed({
        type: 'warning',
        title: 'Python for training',
        message:
          interpreter === null
            ? 'Stop using the saved Python and search for one again?'
            : 'Let the training bridge run this program as Python?',
        detail:
          interpreter === null
            ? 'The training bridge will use MIA_PYTHON, else the first python3 on PATH that has PyTorch.'
            : `${interpreter}\n\nIt will run with your permissions every time the workbench trains shadow or reference models. Confirm only a Python you installed.`,
        buttons: ['Cancel', interpreter === null ? 'Search again' : 'Use this Python'],
      });
    },
    async confirmOverwrite(files) {
      return confirmed({
        type: 'warning',
        title: 'Replace files?',
        message:
          files.length === 1
            ? 'A file of this export already exists. Replace it?'
            : `${files.length} files of this export already exist. Replace them?`,
        detail: files.join('\n'),
        buttons: ['Cancel', 'Replace'],
      });
    },
    async chooseExportDestination(suggestedName, what = 'report') {
      const extension = what === 'bundle' ? '.tar' : '.pdf';
      const options: SaveDialogOptions = {
        title: what === 'bundle' ? 'Export the signed evidence bundle' : 'Export the report',
        buttonLabel: 'Export',
        defaultPath: path.join(app.getPath('documents'), suggestedName),
        filters: [
          what === 'bundle'
            ? { name: 'Signed evidence bundle (tar archive)', extensions: ['tar'] }
            : { name: 'PDF report (the CSVs are saved beside it)', extensions: ['pdf'] },
        ],
        // Replacing is confirmed afterwards, once, for every file of the export that exists (the CSVs too).
        properties: ['createDirectory'],
      };
      const parent = parentWindow();
      const { canceled, filePath } = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
      if (canceled || !filePath) return null;
      return { kind: 'file', pdfPath: path.extname(filePath).toLowerCase() === extension ? filePath : `${filePath}${extension}` };
    },
  };
}
