// The bridge transport used under the headless host: the contract over one WebSocket to the page's own origin
// (the session cookie set by the token exchange authorises it).
import type { BridgeTransport, Channel, EventName, Result } from '../../src-shared/contract/contract';
import { decodeWire, encodeWire } from '../../src-shared/contract/wire-codec';

export function createWebSocketTransport(url: string): BridgeTransport {
  let nextId = 1;
  const pending = new Map<number, (result: Result<unknown>) => void>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    opened = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener('open', () => {
        socket = ws;
        resolve(ws);
      });
      ws.addEventListener('error', () => reject(new Error('Could not connect to the workbench host.')));
      ws.addEventListener('close', () => {
        socket = null;
        opened = null;
        for (const [id, settle] of pending) {
          pending.delete(id);
          settle({ ok: false, error: { code: 'bridge.closed', message: 'The connection to the workbench host was closed.' } });
        }
      });
      ws.addEventListener('message', (event: MessageEvent<string>) => {
        const message = decodeWire(event.data) as { id?: number; result?: Result<unknown>; event?: EventName; payload?: unknown };
        if (typeof message.id === 'number' && message.result) {
          pending.get(message.id)?.(message.result);
          pending.delete(message.id);
        } else if (message.event) {
          for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
        }
      });
    });
    return opened;
  }

  return {
    async invoke(channel: Channel, request: unknown) {
      let ws: WebSocket;
      try {
        ws = socket ?? (await connect());
      } catch (error) {
        return { ok: false, error: { code: 'bridge.unavailable', message: (error as Error).message } };
      }
      const id = nextId++;
      return new Promise<Result<unknown>>((resolve) => {
        pending.set(id, resolve);
        ws.send(encodeWire({ id, channel, payload: request }));
      });
    },
    subscribe(event: EventName, listener: (payload: unknown) => void) {
      void connect().catch(() => undefined);
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    },
  };
}
