// Entry of `npm run web`: the headless host on 127.0.0.1 with the workspace from --workspace or the default, the
// training bridge's Python from --python (else the saved setting, MIA_PYTHON or a search; the page cannot change
// it), and the one folder under which the page may name training folders, --training-root (else `training/` beside
// the workspace file).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultWorkspaceFile } from '../common/default-workspace';
import { forkHostSpawner } from '../host/fork-host';
import { createBackend } from '../services/backend';
import { createExportDownloads } from './export-downloads';
import { headlessFrontDoor } from './headless-front-door';
import { startHeadlessHost } from './headless-host';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      workspace: { type: 'string' },
      port: { type: 'string', default: '0' },
      renderer: { type: 'string' },
      python: { type: 'string' },
      'training-root': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a whole number between 0 and 65535, not "${values.port}".\n`);
    process.exit(2);
  }
  const workspaceFile = values.workspace ? path.resolve(values.workspace) : defaultWorkspaceFile();
  const trainingRoot = values['training-root'] ? path.resolve(values['training-root']) : path.join(path.dirname(workspaceFile), 'training');
  const downloads = createExportDownloads();
  const backend = createBackend({
    workspaceFile,
    spawnHost: forkHostSpawner(),
    frontDoor: headlessFrontDoor(downloads, trainingRoot, path.dirname(workspaceFile)),
    ...(values.python ? { python: path.resolve(values.python) } : {}),
  });
  const host = await startHeadlessHost({
    backend,
    downloads,
    port,
    rendererDir: values.renderer ? path.resolve(values.renderer) : path.resolve(__dirname, '../renderer'),
  });
  process.stdout.write(`MIA Workbench (headless) — workspace ${workspaceFile}, training folders under ${trainingRoot}\nOpen ${host.url}\n`);
  const stop = (): void => {
    void host.close().then(() => {
      downloads.close();
      backend.close();
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
