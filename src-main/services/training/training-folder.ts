// Where a plan requested by the page (training.plan, training.start) is written: the front door's answer, never a
// path from the page. The app's folder dialog gives an absolute folder; under the headless host the page's folder
// name becomes a folder under the host's training root, and nothing it sends can point outside that root.
import fs from 'node:fs';
import path from 'node:path';
import { TrainingFolderName, type SplitPurpose, type TrainingSettings } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import type { FrontDoor } from '../front-door';

/** The settings fields that tell the page which way it picks a training folder. */
export function trainingFolderSettings(frontDoor: FrontDoor): Pick<TrainingSettings, 'folderChoice' | 'trainingRoot'> {
  const folders = frontDoor.trainingFolders;
  if (!folders) return { folderChoice: 'none', trainingRoot: null };
  return folders.kind === 'dialog' ? { folderChoice: 'dialog', trainingRoot: null } : { folderChoice: 'name', trainingRoot: folders.root };
}

/**
 * `root/name`, for a name the contract already accepted. Parsed again here because this is the one place a name
 * turns into a path; and an existing link or file of that name is refused, since writing through it would leave the root.
 */
export function namedTrainingFolder(root: string, name: string): string {
  const folderName = parseWith(TrainingFolderName, name, 'The training folder name', 'ipc.invalid-payload');
  const folder = path.join(path.resolve(root), folderName);
  if (path.dirname(folder) !== path.resolve(root)) {
    throw new MiaError('ipc.invalid-payload', `The training folder name "${name}" must name one folder directly under ${root}.`);
  }
  const existing = fs.lstatSync(folder, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) {
    throw new MiaError(
      'training.folder-not-a-folder',
      `${folder} exists but is not a plain folder (a link or a file); choose another folder name.`,
      { folder },
    );
  }
  return folder;
}

/** The absolute folder for a page's plan or training job; refuses with a code when the front door gives none. */
export async function chooseTrainingFolder(
  frontDoor: FrontDoor,
  request: { purpose: SplitPurpose; folderName?: string | undefined },
): Promise<string> {
  const folders = frontDoor.trainingFolders;
  if (!folders) {
    throw new MiaError(
      'training.no-folder-chooser',
      'This front door cannot ask where to write a plan; use `mia plan --out DIR`, or `train.folder` in an audit config.',
    );
  }
  if (folders.kind === 'named') {
    if (!request.folderName) {
      throw new MiaError(
        'training.folder-name-required',
        `Name the folder for the ${request.purpose} plan (folderName); it is created under the training root ${folders.root}.`,
      );
    }
    return namedTrainingFolder(folders.root, request.folderName);
  }
  const chosen = await folders.choose(request.purpose);
  if (chosen === null)
    throw new MiaError('training.folder-not-chosen', `No folder was chosen for the ${request.purpose} models, so nothing was written.`);
  if (!path.isAbsolute(chosen)) throw new MiaError('training.bad-folder', `The chosen training folder ${chosen} is not an absolute path.`);
  return chosen;
}
