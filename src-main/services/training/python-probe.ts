// Finds the Python the training bridge runs: the --python option the front door was started with, else the path
// saved in Settings (confirmed in the app's dialog), else MIA_PYTHON, else every python3 on PATH in order (plus /usr/bin/python3, where Debian's python3-torch lives). A candidate counts only when it
// actually imports torch; each one passed over is reported with the reason, so the auditor can fix the setting.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { PythonProbe } from '../../../src-shared/contract/contract';

/** Importing torch takes a few seconds on a cold, busy machine; a minute means something is wrong. */
const probeTimeoutMs = 60_000;

const probeScript = 'import json, sys, torch; print(json.dumps({"torch": torch.__version__, "python": sys.version.split()[0]}))';

export interface PythonSearch {
  /** `--python PATH` given when the headless host was started; it wins over everything else. */
  readonly option?: string | null;
  readonly setting: string | null;
  readonly env?: NodeJS.ProcessEnv;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Every python3 on PATH, in PATH order, then /usr/bin/python3; a path listed twice is tried once. */
export function searchCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const names = process.platform === 'win32' ? ['python.exe', 'python3.exe'] : ['python3'];
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((dir) => dir.length > 0);
  if (process.platform !== 'win32') dirs.push('/usr/bin');
  const seen = new Set<string>();
  const found: string[] = [];
  for (const dir of dirs) {
    for (const name of names) {
      const file = path.join(dir, name);
      if (!isExecutable(file)) continue;
      // Paths, not real files, are compared: a pyenv shim and the interpreter it points to behave differently.
      if (seen.has(file)) continue;
      seen.add(file);
      found.push(file);
    }
  }
  return found;
}

/** Runs the interpreter once: the torch version, or why it cannot be used. */
export function probeInterpreter(file: string): Promise<{ torchVersion: string } | { problem: string }> {
  if (!path.isAbsolute(file)) return Promise.resolve({ problem: 'not an absolute path' });
  if (!isExecutable(file)) return Promise.resolve({ problem: 'no executable file at this path' });
  return new Promise((resolve) => {
    execFile(
      file,
      ['-c', probeScript],
      { timeout: probeTimeoutMs, env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' }, windowsHide: true },
      (error, stdout, stderr) => {
        if (error) {
          const lastLine = stderr.trim().split('\n').pop() ?? '';
          if (/No module named .?torch/.test(stderr)) resolve({ problem: 'Python runs but has no PyTorch (import torch failed)' });
          else resolve({ problem: lastLine || error.message });
          return;
        }
        try {
          const parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { torch?: unknown };
          if (typeof parsed.torch === 'string') resolve({ torchVersion: parsed.torch });
          else resolve({ problem: 'the probe printed no torch version' });
        } catch {
          resolve({ problem: `unexpected output: ${stdout.slice(0, 200)}` });
        }
      },
    );
  });
}

export async function findPython(search: PythonSearch): Promise<PythonProbe> {
  const env = search.env ?? process.env;
  const tried: PythonProbe['tried'] = [];
  const explicit: [string, 'option' | 'setting' | 'environment'] | null = search.option
    ? [search.option, 'option']
    : search.setting
      ? [search.setting, 'setting']
      : env.MIA_PYTHON
        ? [env.MIA_PYTHON, 'environment']
        : null;
  // A path the auditor chose is the only one tried: silently training with another interpreter would surprise.
  const candidates: [string, PythonProbe['source']][] = explicit ? [explicit] : searchCandidates(env).map((file) => [file, 'search']);
  for (const [file, source] of candidates) {
    const result = await probeInterpreter(file);
    if ('torchVersion' in result) return { found: true, path: file, torchVersion: result.torchVersion, source, tried };
    tried.push({ path: file, problem: result.problem });
  }
  if (candidates.length === 0) tried.push({ path: 'python3', problem: 'no python3 on PATH or in /usr/bin' });
  return { found: false, path: null, torchVersion: null, source: null, tried };
}
