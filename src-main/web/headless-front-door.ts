// The headless host's front door: nobody sits at the host to confirm anything, so the page can change no Python
// interpreter (that comes only from `--python` or MIA_PYTHON when the host starts), an export is handed to the
// browser as one-time HTTP downloads instead of being written wherever the page says, and training plans and
// models go only into folders the page names under the training root the host was started with. A file to import is
// chosen in the page's own picker from folder listings (the page could type any path anyway), starting in
// `browseStart` (web.ts passes the workspace's folder; the user's home otherwise).
import os from 'node:os';
import type { FrontDoor } from '../services/front-door';
import type { ExportDownloads } from './export-downloads';

export function headlessFrontDoor(downloads: ExportDownloads, trainingRoot: string, browseStart: string = os.homedir()): FrontDoor {
  return {
    openPaths: { kind: 'listing', startFolder: browseStart },
    trainingFolders: { kind: 'named', root: trainingRoot },
    chooseExportDestination: () => Promise.resolve({ kind: 'download', offer: (folder, files) => downloads.offer(folder, files) }),
  };
}
