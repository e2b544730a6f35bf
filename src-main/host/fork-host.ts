// Starts the engine host with Node's child_process.fork: used by the CLI, the headless host and the tests.
// (The Electron app starts the same entry file with utilityProcess instead; see src-main/electron/.)
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { MiaError } from '../common/errors';
import { packageRoot } from '../common/package-root';
import { engineHostExecArgv } from './engine-heap';
import type { HostConnection, SpawnHost } from './protocol';

/**
 * The built engine host entry in out/main. This code may itself run from out/main, from a shared chunk in
 * out/main/chunks, or from the sources under vitest, so the entry is looked up from the package folder, never from
 * the working directory (`mia` is run from wherever the auditor's files are).
 */
export function defaultEngineHostEntry(): string {
  const candidates = [path.join(__dirname, 'engine-host.js'), path.join(packageRoot(), 'out', 'main', 'engine-host.js')];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new MiaError(
      'engine.not-built',
      'The engine host is not built yet (out/main/engine-host.js is missing). Run `npm run build` first.',
    );
  }
  return found;
}

export function forkHostSpawner(entry: string = defaultEngineHostEntry()): SpawnHost {
  return () => {
    const child = fork(entry, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [...engineHostExecArgv],
    });
    // A host that died before its exit was noticed makes send() fail with EPIPE. The 'exit' event fails its jobs
    // with a clear error, so the error here only needs to be kept from crashing the service process.
    child.on('error', () => undefined);
    const connection: HostConnection = {
      pid: child.pid,
      send(message) {
        child.send(message, (error) => {
          if (error && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        });
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        child.on('exit', (code, signal) => listener(code, signal));
      },
      kill() {
        child.kill('SIGKILL');
      },
    };
    return connection;
  };
}
