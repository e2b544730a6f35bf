// One authenticated WebSocket of the headless host: contract calls in, results and events out. A misbehaving
// client can lose its own socket, never the host: a bad frame closes only that socket, calls wait in a bounded
// queue and take turns, and a client that floods calls or never reads its replies is disconnected.
import type { WebSocket } from 'ws';
import { decodeWire, encodeWire, type BridgeServerMessage } from '../../src-shared/contract/wire-codec';
import type { Backend } from '../services/backend';

/** The largest message a client may send (ws refuses a bigger frame with close code 1009). */
export const maxBridgeMessageBytes = 16 * 1024 * 1024;

/**
 * Bytes of replies and events queued for one client before it counts as not reading. A healthy page drains
 * what it receives within milliseconds; a bound well above the largest single reply keeps it from tripping on
 * one big answer.
 */
export const maxBridgeBufferedBytes = 64 * 1024 * 1024;

/** Calls one socket may have running at once; the rest wait in its queue, so one client cannot hog the host. */
export const maxBridgeCallsRunning = 4;

/**
 * Calls one socket may have waiting. The renderer keeps a handful in flight; a client that queues hundreds without
 * waiting for answers is flooding, and is disconnected before its backlog costs memory or CPU time.
 */
export const maxBridgeCallsQueued = 256;

/** Close code 1008 (policy violation): what the client is told when it is dropped for flooding or not reading. */
const policyViolation = 1008;

interface BridgeCall {
  readonly id: number;
  readonly channel: unknown;
  readonly payload: unknown;
}

export function serveBridge(ws: WebSocket, backend: Backend): void {
  const queue: BridgeCall[] = [];
  let running = 0;
  let closed = false;

  const drop = (reason: string): void => {
    if (closed) return;
    closed = true;
    queue.length = 0;
    ws.close(policyViolation, reason);
    // A client that is not reading will not read a close frame either; do not wait for its answer.
    setTimeout(() => ws.terminate(), 1_000).unref();
  };
  const notReading = (): boolean => ws.bufferedAmount > maxBridgeBufferedBytes;
  const send = (message: BridgeServerMessage): void => {
    if (closed || ws.readyState !== ws.OPEN) return;
    if (notReading()) {
      drop('too many unread replies');
      return;
    }
    ws.send(encodeWire(message));
  };
  const pump = (): void => {
    while (!closed && running < maxBridgeCallsRunning && queue.length > 0) {
      // Computing a reply nobody reads only costs memory: stop at the bound before the work, not after it.
      if (notReading()) {
        drop('too many unread replies');
        return;
      }
      const next = queue.shift()!;
      running++;
      // setImmediate: a burst of calls from one socket takes turns with timers and other sockets' I/O.
      setImmediate(() => {
        // dispatch never rejects (the router turns every failure into a result); the catch keeps it that way.
        void backend.router
          .dispatch(next.channel, next.payload)
          .then((result) => send({ id: next.id, result }))
          .catch(() => undefined)
          .finally(() => {
            running--;
            pump();
          });
      });
    }
  };

  const unsubscribe = backend.bus.subscribe((event, payload) => send({ event, payload }));
  ws.on('close', () => {
    closed = true;
    queue.length = 0;
    unsubscribe();
  });
  // ws reports a malformed frame (bad UTF-8, reserved bits, unknown opcode, unmasked, too large, bad close code)
  // as an 'error' and then closes the socket with the matching code. Without a listener the error would be
  // thrown from the event emitter and take the whole host down.
  ws.on('error', () => {
    closed = true;
    ws.terminate();
  });
  ws.on('message', (data, isBinary) => {
    if (closed || isBinary) return; // The bridge speaks text; a binary frame has no id to answer to.
    let message: unknown;
    try {
      message = decodeWire(data.toString());
    } catch {
      return; // Not JSON: nothing to answer, and no id to answer to.
    }
    if (typeof message !== 'object' || message === null || typeof (message as { id?: unknown }).id !== 'number') return;
    if (queue.length >= maxBridgeCallsQueued) {
      drop('too many calls waiting');
      return;
    }
    const { id, channel, payload } = message as { id: number; channel: unknown; payload: unknown };
    queue.push({ id, channel, payload });
    pump();
  });
}
