// The two channels for choosing a file or folder to import. Which one the page uses is the front door's answer: the
// app shows a native dialog (and refuses listings, so its renderer cannot enumerate folders); the headless host has
// the page browse the host's folders; the CLI offers neither.
import type { ChooseOpenAnswer, FolderListing, OpenPurpose } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';
import type { FrontDoor } from '../front-door';
import { listFolder } from './folder-listing';

export async function chooseOpenPath(frontDoor: FrontDoor, purpose: OpenPurpose): Promise<ChooseOpenAnswer> {
  const openPaths = frontDoor.openPaths;
  if (!openPaths) {
    throw new MiaError('files.no-chooser', 'This front door cannot show a file chooser; give the path itself.');
  }
  if (openPaths.kind === 'listing') return { outcome: 'browse', startFolder: openPaths.startFolder };
  const chosen = await openPaths.choose(purpose);
  return chosen === null ? { outcome: 'cancelled' } : { outcome: 'chosen', path: chosen };
}

export async function listOfferedFolder(frontDoor: FrontDoor, request: { path: string; showHidden: boolean }): Promise<FolderListing> {
  if (frontDoor.openPaths?.kind !== 'listing') {
    throw new MiaError('files.listing-not-offered', 'files.list: this front door does not list folders; use files.chooseOpen instead.');
  }
  return listFolder(request.path, { showHidden: request.showHidden });
}
