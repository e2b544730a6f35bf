// The renderer's only way to the backend. Under Electron it uses `window.mia` from the preload; under the
// headless host it builds the same bridge over a WebSocket. Calls resolve with data or throw an ApiError.
import { createBridge, type EventName, type EventPayloadOf, type MiaBridge, type Result } from '../../src-shared/contract/contract';
import { createWebSocketTransport } from './websocket-transport';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Structured extras from the backend, e.g. `issues` of a failed import (file, line, field per problem). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let bridge: MiaBridge | null = null;

/** Lets tests (and the headless host) supply a bridge; otherwise it is chosen from the environment. */
export function useBridge(custom: MiaBridge | null): void {
  bridge = custom;
}

function currentBridge(): MiaBridge {
  if (bridge) return bridge;
  if (window.mia) {
    bridge = window.mia;
  } else {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    bridge = createBridge(createWebSocketTransport(`${scheme}://${window.location.host}/bridge`));
  }
  return bridge;
}

function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.data;
  throw new ApiError(result.error.code, result.error.message, result.error.details);
}

type Unwrapped<B> = {
  [N in Exclude<keyof B, 'events'>]: {
    [M in keyof B[N]]: B[N][M] extends (request?: infer R) => Promise<Result<infer T>> ? (request?: R) => Promise<T> : never;
  };
};

export type Api = Unwrapped<MiaBridge> & {
  on<E extends EventName>(event: E, listener: (payload: EventPayloadOf<E>) => void): () => void;
};

/** The bridge with every call unwrapped: data on success, an ApiError (code + message) on failure. */
export const api = new Proxy({} as Api, {
  get(_target, namespace: string) {
    if (namespace === 'on') {
      return <E extends EventName>(event: E, listener: (payload: EventPayloadOf<E>) => void) => currentBridge().events.on(event, listener);
    }
    return new Proxy(
      {},
      {
        get(_inner, method: string) {
          return async (request?: unknown) => {
            const group = (currentBridge() as unknown as Record<string, Record<string, (request?: unknown) => Promise<Result<unknown>>>>)[
              namespace
            ];
            const fn = group?.[method];
            if (!fn) throw new ApiError('api.unknown-task', `The backend has no task ${namespace}.${method}.`);
            return unwrap(await fn(request));
          };
        },
      },
    );
  },
});
