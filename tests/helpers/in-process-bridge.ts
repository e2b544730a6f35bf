// A bridge for renderer tests: the contract calls go straight to a real backend's router (real SQLite,
// real validation), without Electron or a socket in between.
import path from 'node:path';
import { createBridge, type MiaBridge } from '../../src-preload/contract';
import { forkHostSpawner } from '../../src-main/host/fork-host';
import { createBackend, type Backend } from '../../src-main/services/backend';

export function createTestBackend(dir: string, name = 'workspace.sqlite'): { backend: Backend; bridge: MiaBridge } {
  const backend = createBackend({ workspaceFile: path.join(dir, name), spawnHost: () => forkHostSpawner()() });
  const bridge = createBridge({
    invoke: (channel, request) => backend.router.dispatch(channel, request),
    subscribe: (event, listener) => backend.bus.subscribe((name, payload) => name === event && listener(payload)),
  });
  return { backend, bridge };
}
