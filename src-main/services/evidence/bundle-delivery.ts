// The UI's evidence bundle (reports.export with `bundle: true`): as for the report, the renderer names only the runs,
// and the front door says where the one `.tar` goes — a path from the app's save dialog (an existing file replaced
// only once the person confirms), or a private temporary folder whose file the headless host offers as a download.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ExportedFiles, ReportCover } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';
import type { WorkspaceDb } from '../../workspace/open-workspace';
import type { FrontDoor } from '../front-door';
import type { RiskPolicy } from '../policy/policy-file';
import { exportEvidenceBundle, type ExportedBundle } from './bundle-export';

export async function deliverEvidenceBundle(
  db: WorkspaceDb,
  frontDoor: FrontDoor,
  request: {
    runIds: number[];
    baseName: string;
    title?: string | undefined;
    cover?: ReportCover | undefined;
    policy?: RiskPolicy | undefined;
    memberPrior?: number | undefined;
  },
): Promise<ExportedFiles> {
  const destination = await frontDoor.chooseExportDestination(`${request.baseName}.evidence.tar`, 'bundle');
  if (!destination) return { delivery: 'cancelled', files: [] };
  const write = (file: string, force: boolean): Promise<ExportedBundle> =>
    exportEvidenceBundle(db, {
      runIds: request.runIds,
      file,
      force,
      ...(request.title ? { title: request.title } : {}),
      ...(request.cover ? { cover: request.cover } : {}),
      ...(request.policy ? { policy: request.policy } : {}),
      ...(request.memberPrior !== undefined ? { memberPrior: request.memberPrior } : {}),
    });
  if (destination.kind === 'file') {
    const target = destination.pdfPath;
    if (!path.isAbsolute(target)) throw new MiaError('export.bad-destination', `The export destination ${target} is not an absolute path.`);
    let force = false;
    if (fs.existsSync(target) && frontDoor.confirmOverwrite) {
      if (!(await frontDoor.confirmOverwrite([target]))) return { delivery: 'cancelled', files: [] };
      force = true;
    }
    const bundle = await write(target, force);
    return {
      delivery: 'saved',
      files: [{ kind: 'bundle', name: path.basename(bundle.file), sha256: bundle.sha256, path: bundle.file, download: null }],
    };
  }
  // mkdtemp makes the folder readable by this user only; nothing outside the host learns its name.
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-download-'));
  let offered = false;
  try {
    const bundle = await write(path.join(folder, `${request.baseName}.evidence.tar`), false);
    const [url] = destination.offer(folder, [{ path: bundle.file, name: path.basename(bundle.file) }]);
    offered = true;
    return {
      delivery: 'download',
      files: [{ kind: 'bundle', name: path.basename(bundle.file), sha256: bundle.sha256, path: null, download: url! }],
    };
  } finally {
    if (!offered) fs.rmSync(folder, { recursive: true, force: true });
  }
}
