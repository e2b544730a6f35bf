// A bridge for renderer tests: the contract calls go straight to a real backend's router (real SQLite,
// real validation), without Electron or a socket in between.
import path from 'node:path';
import { createBridge, type MiaBridge, type RunProgress, type RunSummary } from '../../src-shared/contract/contract';
import { forkHostSpawner } from '../../src-main/host/fork-host';
import { createBackend, type Backend, type BackendOptions } from '../../src-main/services/backend';

export function createTestBackend(
  dir: string,
  name = 'workspace.sqlite',
  options: Omit<BackendOptions, 'workspaceFile' | 'spawnHost'> = {},
): { backend: Backend; bridge: MiaBridge } {
  const backend = createBackend({ workspaceFile: path.join(dir, name), spawnHost: () => forkHostSpawner()(), ...options });
  const bridge = createBridge({
    invoke: (channel, request) => backend.router.dispatch(channel, request),
    subscribe: (event, listener) => backend.bus.subscribe((name, payload) => name === event && listener(payload)),
  });
  return { backend, bridge };
}

/** Starts a run through the router, waits until it lands, and returns its summary (collecting progress events). */
export async function runToEnd(backend: Backend, request: Record<string, unknown>, progress: RunProgress[] = []): Promise<RunSummary> {
  const stop = backend.bus.subscribe((event, payload) => event === 'runs.progress' && progress.push(payload as RunProgress));
  try {
    const started = await backend.router.dispatch('runs.start', request);
    if (!started.ok) throw new Error(`${started.error.code}: ${started.error.message}`);
    await backend.idle();
    const run = await backend.router.dispatch('runs.get', { runId: (started.data as RunSummary).id });
    if (!run.ok) throw new Error(run.error.message);
    return run.data as RunSummary;
  } finally {
    stop();
  }
}
