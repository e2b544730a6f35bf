// The headless host's front door: nobody sits at the host to confirm anything, so the page can change no Python
// interpreter (that comes only from `--python` or MIA_PYTHON when the host starts), and an export is handed to the
// browser as one-time HTTP downloads instead of being written wherever the page says.
import type { FrontDoor } from '../services/front-door';
import type { ExportDownloads } from './export-downloads';

export function headlessFrontDoor(downloads: ExportDownloads): FrontDoor {
  return {
    chooseExportDestination: () => Promise.resolve({ kind: 'download', offer: (folder, files) => downloads.offer(folder, files) }),
  };
}
