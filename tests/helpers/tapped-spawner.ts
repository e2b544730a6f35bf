// The real engine host (forked as in production) with a tap on the messages it sends: the tap sees each message and
// decides how to hand it to the service's listener (record it first, catch what the listener throws …).
import { forkHostSpawner } from '../../src-main/host/fork-host';
import type { SpawnHost } from '../../src-main/host/protocol';

export type MessageTap = (message: unknown, deliver: (message: unknown) => void) => void;

export function tappedSpawner(tap: MessageTap): SpawnHost {
  const spawn = forkHostSpawner();
  return () => {
    const connection = spawn();
    return {
      pid: connection.pid,
      send: (message) => connection.send(message),
      onExit: (listener) => connection.onExit(listener),
      kill: () => connection.kill(),
      onMessage: (listener) => connection.onMessage((message) => tap(message, listener)),
    };
  };
}
