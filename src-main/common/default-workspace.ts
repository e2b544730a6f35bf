// Per-user paths of the CLI and the headless host: where the workspace is kept when none is named ($MIA_WORKSPACE,
// else a file in the user's data folder; the Electron app uses Electron's own user-data folder), and the user's
// configuration folder, which holds this installation's signing key.
import os from 'node:os';
import path from 'node:path';

export function defaultWorkspaceFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MIA_WORKSPACE) return path.resolve(env.MIA_WORKSPACE);
  const dataHome = env.XDG_DATA_HOME ? env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share');
  return path.join(dataHome, 'mia-workbench', 'workspace.sqlite');
}

/** $MIA_CONFIG_DIR, else $XDG_CONFIG_HOME/mia-workbench, else ~/.config/mia-workbench (the same for every front door). */
export function userConfigFolder(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MIA_CONFIG_DIR) return path.resolve(env.MIA_CONFIG_DIR);
  const configHome = env.XDG_CONFIG_HOME ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(configHome, 'mia-workbench');
}
