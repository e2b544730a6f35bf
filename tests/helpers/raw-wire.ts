// Raw loopback sockets for the headless host's hostile-client tests: bytes that no well-behaved HTTP or WebSocket
// client library would send, and the first status line (if any) that comes back.
import crypto from 'node:crypto';
import net from 'node:net';

export interface RawReply {
  /** The HTTP status of the first response line, or null when the host closed without answering. */
  readonly status: number | null;
  /** Whether the host closed (or reset) the connection within the time allowed. */
  readonly closed: boolean;
}

/** Sends `bytes` on a fresh connection and waits for the first status line, then hangs up. */
export function rawRequest(port: number, bytes: Buffer | string, timeoutMs = 3_000): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let settled = false;
    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(received);
      socket.destroy();
      resolve({ status: match ? Number(match[1]) : null, closed });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n')) finish(true);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
  });
}

export interface RawWebSocket {
  readonly socket: net.Socket;
  /** Resolves true when the host closes the connection within `timeoutMs`. */
  closedWithin(timeoutMs: number): Promise<boolean>;
}

/** Opens /bridge by hand (HTTP upgrade with the session cookie and the host's Origin) and returns the socket. */
export function openRawWebSocket(port: number, cookie: string): Promise<RawWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let closed = false;
    const closeWaiters: (() => void)[] = [];
    socket.on('close', () => {
      closed = true;
      for (const wake of closeWaiters) wake();
    });
    socket.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const status = head.subarray(0, end).toString('latin1').split('\r\n')[0] ?? '';
      if (!status.includes(' 101 ')) {
        socket.destroy();
        reject(new Error(`WebSocket upgrade refused: ${status}`));
        return;
      }
      resolve({
        socket,
        closedWithin: (timeoutMs) =>
          closed
            ? Promise.resolve(true)
            : new Promise<boolean>((done) => {
                const timer = setTimeout(() => done(false), timeoutMs);
                closeWaiters.push(() => {
                  clearTimeout(timer);
                  done(true);
                });
              }),
      });
    };
    socket.on('data', onData);
    socket.on('connect', () =>
      socket.write(
        [
          'GET /bridge HTTP/1.1',
          `Host: 127.0.0.1:${port}`,
          `Origin: http://127.0.0.1:${port}`,
          `Cookie: ${cookie}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      ),
    );
    socket.once('close', () => reject(new Error('The host closed the connection during the WebSocket upgrade.')));
  });
}

export interface FrameOptions {
  readonly fin?: boolean;
  /** The three reserved bits, as a number 0–7 (bit 2 = RSV1). */
  readonly rsv?: number;
  readonly opcode: number;
  readonly payload?: Buffer;
  /** Client frames must be masked; false sends a frame the server has to refuse. */
  readonly masked?: boolean;
  /** Announce this length instead of the payload's (for frames that claim more than they carry). */
  readonly declaredLength?: number;
}

/** One WebSocket frame as RFC 6455 lays it out, with whatever rule-breaking the options ask for. */
export function webSocketFrame(options: FrameOptions): Buffer {
  const payload = options.payload ?? Buffer.alloc(0);
  const length = options.declaredLength ?? payload.length;
  const masked = options.masked ?? true;
  const first = ((options.fin ?? true) ? 0x80 : 0) | (((options.rsv ?? 0) & 7) << 4) | (options.opcode & 0x0f);
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([first, (masked ? 0x80 : 0) | length]);
  } else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = crypto.randomBytes(4);
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i]! ^= mask[i % 4]!;
  return Buffer.concat([header, mask, body]);
}
