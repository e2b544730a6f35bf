// Where the CLI and the headless host keep their workspace when none is named: $MIA_WORKSPACE, else a file
// in the user's data folder. (The Electron app uses Electron's own user-data folder.)
import os from 'node:os';
import path from 'node:path';

export function defaultWorkspaceFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MIA_WORKSPACE) return path.resolve(env.MIA_WORKSPACE);
  const dataHome = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'mia-workbench', 'workspace.sqlite');
}
