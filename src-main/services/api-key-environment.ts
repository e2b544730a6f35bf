// How a key from the app's store reaches a remote model: only as an entry of the `env` its transport reads
// `apiKeyEnv` from — the import's and the run's identity checks in this process, and the engine's transport, whose
// attack task gets the stored keys of its remote models' variables as it is handed to the engine host, in memory.
// The run's stored configuration is written before that and never holds them. Without a store (headless host, CLI)
// everything reads the process's own environment.
import type { RemoteEndpoint } from '../../src-shared/domain/remote-models';
import type { AttackTask, ModelSpec } from '../engine/jobs/attack-task';
import type { ApiKeyStore } from './api-key-store';

/** What a transport in this process (an import, the identity check before a run) reads: this process's environment with the stored key of the endpoint's variable. */
export function environmentWithStoredKey(store: ApiKeyStore | undefined, endpoint: Pick<RemoteEndpoint, 'apiKeyEnv'>): NodeJS.ProcessEnv {
  return { ...process.env, ...(store ? store.environmentFor([endpoint.apiKeyEnv]) : {}) };
}

/** The stored keys of every remote model an attack task uses, by variable name; empty when none is stored. */
function storedKeysOfTask(store: ApiKeyStore, task: AttackTask): Record<string, string> {
  const specs: ModelSpec[] = [task.target, ...task.references, ...task.shadows, ...(task.nullModel ? [task.nullModel] : [])];
  return store.environmentFor(specs.map((spec) => spec.remote?.endpoint.apiKeyEnv));
}

/** The task as it goes to the engine host: with the stored keys its remote models name, when there are any. */
export function withStoredKeys(task: AttackTask, store: ApiKeyStore | undefined): AttackTask {
  if (!store) return task;
  const apiKeys = storedKeysOfTask(store, task);
  return Object.keys(apiKeys).length > 0 ? { ...task, apiKeys } : task;
}
