// Starts the engine host as an Electron utilityProcess (the app's way; the CLI and tests use child_process).
import { utilityProcess } from 'electron';
import { engineHostExecArgv } from '../host/engine-heap';
import type { HostConnection, SpawnHost } from '../host/protocol';

export function utilityHostSpawner(entry: string): SpawnHost {
  return () => {
    const child = utilityProcess.fork(entry, [], {
      serviceName: 'MIA Workbench engine',
      stdio: 'inherit',
      execArgv: [...engineHostExecArgv],
    });
    const connection: HostConnection = {
      get pid() {
        return child.pid;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code, null)),
      kill: () => {
        child.kill();
      },
    };
    return connection;
  };
}
