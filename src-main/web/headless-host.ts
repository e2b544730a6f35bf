// The headless host: serves the built renderer on 127.0.0.1 and bridges the contract over a WebSocket, for the
// browser end-to-end tests and for auditors working on a remote box through an SSH tunnel. Nothing is served
// without the one-time token (then the session cookie it was exchanged for).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeWire, encodeWire, type BridgeServerMessage } from '../../src-preload/wire-codec';
import type { Backend } from '../services/backend';
import { AccessGate, readCookie } from './access-token';
import { contentSecurityPolicy } from './content-security-policy';

export interface HeadlessHostOptions {
  readonly backend: Backend;
  readonly rendererDir: string;
  readonly port?: number;
  readonly token?: string;
}

export interface HeadlessHost {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

const sessionCookie = 'mia_session';
const maxMessageBytes = 16 * 1024 * 1024;
const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export async function startHeadlessHost(options: HeadlessHostOptions): Promise<HeadlessHost> {
  const gate = new AccessGate(options.token);
  const rendererDir = fs.realpathSync(options.rendererDir);
  let origin = '';
  // The Host every legitimate request carries. A page on another name that resolves to 127.0.0.1 (DNS rebinding)
  // sends its own name here; it has neither the cookie nor the token, but it is refused before either is looked at.
  let hostHeader = '';

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const securityHeaders = {
      'Content-Security-Policy': contentSecurityPolicy(origin.replace('http://', 'ws://')),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
    };
    if (request.headers.host !== hostHeader) {
      response.writeHead(421, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' }).end(`MIA Workbench answers only at ${origin}.\n`);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, securityHeaders).end();
      return;
    }
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      const session = gate.redeem(offered);
      if (!session) {
        response.writeHead(403, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' }).end('This token is not valid or has already been used.\n');
        return;
      }
      response
        .writeHead(302, { ...securityHeaders, 'Set-Cookie': `${sessionCookie}=${session}; HttpOnly; SameSite=Strict; Path=/`, Location: '/' })
        .end();
      return;
    }
    if (!gate.isSession(readCookie(request.headers.cookie, sessionCookie))) {
      response
        .writeHead(403, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' })
        .end('MIA Workbench: open the URL with the one-time token that the host printed.\n');
      return;
    }
    serveStatic(rendererDir, url.pathname, response, securityHeaders);
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const allowed =
      url.pathname === '/bridge' && request.headers.host === hostHeader && request.headers.origin === origin && gate.isSession(readCookie(request.headers.cookie, sessionCookie));
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveBridge(ws, options.backend));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  hostHeader = `127.0.0.1:${address.port}`;
  origin = `http://${hostHeader}`;
  const token = gate.pendingToken;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port: address.port,
    address: address.address,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveBridge(ws: WebSocket, backend: Backend): void {
  const send = (message: BridgeServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(encodeWire(message));
  };
  const unsubscribe = backend.bus.subscribe((event, payload) => send({ event, payload }));
  ws.on('close', unsubscribe);
  ws.on('message', (data) => {
    let message: unknown;
    try {
      message = decodeWire(data.toString());
    } catch {
      return; // Not JSON: nothing to answer, and no id to answer to.
    }
    if (typeof message !== 'object' || message === null || typeof (message as { id?: unknown }).id !== 'number') return;
    const { id, channel, payload } = message as { id: number; channel: unknown; payload: unknown };
    void backend.router.dispatch(channel, payload).then((result) => send({ id, result }));
  });
}

function serveStatic(root: string, pathname: string, response: http.ServerResponse, headers: Record<string, string>): void {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    response.writeHead(400, headers).end();
    return;
  }
  if (relative === '/' || relative === '') relative = '/index.html';
  const file = path.resolve(root, `.${relative}`);
  const inside = file === root || file.startsWith(root + path.sep);
  let real: string | null = null;
  try {
    real = inside ? fs.realpathSync(file) : null;
  } catch {
    real = null;
  }
  if (!real || !(real.startsWith(root + path.sep)) || !fs.statSync(real).isFile()) {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  response.writeHead(200, { ...headers, 'Content-Type': mimeTypes[path.extname(real)] ?? 'application/octet-stream' });
  fs.createReadStream(real).pipe(response);
}
