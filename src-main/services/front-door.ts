// What a front door (the Electron app, the headless host, the CLI, a test) lets the backend ask of the person at
// the machine, outside the renderer: whether a new Python interpreter may run, where an export goes, where the
// training bridge writes plans and models, and how a file to import is chosen (a native dialog or a folder listing). The renderer can propose neither an executable that runs unconfirmed nor
// a folder to write into; these answers come from the main process (a native dialog), from how the host was
// started, or from an HTTP download.
import type { OpenPurpose, SplitPurpose } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import type { ApiKeyStore } from './api-key-store';

/** A file the export wrote into a private folder, and the name it should be saved under. */
export interface PreparedFile {
  readonly path: string;
  readonly name: string;
}

export type ExportDestination =
  /** The app: the PDF's path from a save dialog; the CSVs are written beside it. (For a bundle: the bundle's path.) */
  | { readonly kind: 'file'; readonly pdfPath: string }
  /**
   * The browser: the files are written into a private folder, then handed to `offer`, which owns the folder from
   * then on (it deletes it once every file is downloaded or expired) and answers one download URL per file.
   */
  | { readonly kind: 'download'; readonly offer: (folder: string, files: readonly PreparedFile[]) => string[] };

export type TrainingFolders =
  /** The app: the person picks (or creates) the folder in a dialog for each plan or job; null when they cancelled. */
  | { readonly kind: 'dialog'; choose(purpose: SplitPurpose): Promise<string | null> }
  /** The headless host: the page names a folder, created under this root, which the host was started with. */
  | { readonly kind: 'named'; readonly root: string };

export type OpenPaths =
  /** The app: a native open dialog shown by main for the purpose; null when the person cancelled. */
  | { readonly kind: 'dialog'; choose(purpose: OpenPurpose): Promise<string | null> }
  /** The headless host: the page browses the host's folders with `files.list`, starting in `startFolder`. */
  | { readonly kind: 'listing'; readonly startFolder: string };

export interface FrontDoor {
  /**
   * Asks the person at the machine whether the training bridge may run `interpreter` as its Python (null: go back
   * to searching MIA_PYTHON, then PATH). Resolves false when they decline. Absent where nobody can be asked (the
   * headless host, the CLI): there the interpreter comes only from `--python` or MIA_PYTHON.
   */
  readonly confirmPythonInterpreter?: (interpreter: string | null) => Promise<boolean>;
  /**
   * Where an export goes; null when the person cancelled. `suggestedName` is the PDF's file name, or the evidence
   * bundle's when `what` is 'bundle' (a save dialog then offers `.tar`).
   */
  chooseExportDestination(suggestedName: string, what?: 'report' | 'bundle'): Promise<ExportDestination | null>;
  /** Asks whether these existing files of a chosen export may be replaced; absent: they never are. */
  readonly confirmOverwrite?: (files: readonly string[]) => Promise<boolean>;
  /**
   * Where training.plan and training.start write. Absent where the page cannot plan (the CLI, whose `--out` and
   * `train.folder` the person at the terminal typed, calls the training service with its own folders).
   */
  readonly trainingFolders?: TrainingFolders;
  /**
   * How the person chooses a file or folder to import. Absent where nobody chooses through a page (the CLI): there
   * `files.chooseOpen` and `files.list` are refused. Only the 'listing' door answers `files.list`, so the app's
   * renderer cannot enumerate folders.
   */
  readonly openPaths?: OpenPaths;
  /**
   * The app's encrypted store of API keys for remote targets (keys.*; runs and imports read `apiKeyEnv` from it
   * before the environment). Absent on the headless host and the CLI: they store no keys and read only the variable.
   */
  readonly apiKeys?: ApiKeyStore;
}

/** The front door of a backend that nobody can be asked through (the CLI, tests that do not export). */
export const unattendedFrontDoor: FrontDoor = {
  chooseExportDestination: () =>
    Promise.reject(
      new MiaError(
        'export.no-destination',
        'This front door cannot ask where to save a report; use `mia export RUN_ID --pdf FILE --csv FILE` instead.',
      ),
    ),
};
