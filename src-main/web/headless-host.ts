// The headless host: serves the built renderer on 127.0.0.1 and bridges the contract over a WebSocket, for the
// browser end-to-end tests and for auditors working on a remote box through an SSH tunnel. Nothing is served
// without the one-time token (then the session cookie it was exchanged for).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Backend } from '../services/backend';
import { AccessGate, readCookie } from './access-token';
import { maxBridgeMessageBytes, serveBridge } from './bridge-socket';
import { contentSecurityPolicy } from '../common/content-security-policy';
import { downloadsPrefix, type ExportDownloads } from './export-downloads';
import { parseRequestTarget } from './request-target';

export interface HeadlessHostOptions {
  readonly backend: Backend;
  readonly rendererDir: string;
  readonly port?: number;
  readonly token?: string;
  /** Exported reports waiting to be fetched at `/downloads/<id>` (behind the session cookie like everything else). */
  readonly downloads?: ExportDownloads;
}

export interface HeadlessHost {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

const sessionCookie = 'mia_session';
/** Enough for one auditor's browser tabs; a flood of idle connections is refused by the kernel's backlog instead. */
const maxConnections = 128;
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

  const securityHeaders = (): Record<string, string> => ({
    'Content-Security-Policy': contentSecurityPolicy(origin.replace('http://', 'ws://')),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
  const plain = (response: http.ServerResponse, status: number, text: string): void => {
    response.writeHead(status, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' }).end(text);
  };

  const handleRequest = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    if (request.headers.host !== hostHeader) {
      plain(response, 421, `MIA Workbench answers only at ${origin}.\n`);
      return;
    }
    // Parsed only after the Host check, and never with a throwing parser: a target such as `//[` is a 400.
    const target = parseRequestTarget(request.url);
    if (!target) {
      plain(response, 400, 'Malformed request target.\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, securityHeaders()).end();
      return;
    }
    const offered = target.searchParams.get('token');
    if (offered !== null) {
      const session = gate.redeem(offered);
      if (!session) {
        plain(response, 403, 'This token is not valid or has already been used.\n');
        return;
      }
      response
        .writeHead(302, {
          ...securityHeaders(),
          'Set-Cookie': `${sessionCookie}=${session}; HttpOnly; SameSite=Strict; Path=/`,
          Location: '/',
        })
        .end();
      return;
    }
    if (!gate.isSession(readCookie(request.headers.cookie, sessionCookie))) {
      plain(response, 403, 'MIA Workbench: open the URL with the one-time token that the host printed.\n');
      return;
    }
    if (options.downloads && target.pathname.startsWith(downloadsPrefix)) {
      options.downloads.serve(request, target.pathname, response, securityHeaders());
      return;
    }
    serveStatic(rendererDir, target.pathname, response, securityHeaders());
  };

  const server = http.createServer((request, response) => {
    try {
      handleRequest(request, response);
    } catch {
      // Nothing a client sends may end the host; whatever slipped past the checks above is that request's problem.
      if (!response.headersSent) plain(response, 400, 'Bad request.\n');
      else response.destroy();
    }
  });
  server.maxConnections = maxConnections;
  // A request line or header the HTTP parser rejects: answer 400 where the socket can still take it, then close.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxBridgeMessageBytes });
  const refuseUpgrade = (socket: Duplex, status: string): void => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  server.on('upgrade', (request, socket, head) => {
    // The raw socket is ours until ws takes it: a reset from the client must not become an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    try {
      const target = request.headers.host === hostHeader ? parseRequestTarget(request.url) : null;
      if (request.headers.host === hostHeader && !target) {
        refuseUpgrade(socket, '400 Bad Request');
        return;
      }
      const allowed =
        target !== null &&
        target.pathname === '/bridge' &&
        request.headers.origin === origin &&
        gate.isSession(readCookie(request.headers.cookie, sessionCookie));
      if (!allowed) {
        refuseUpgrade(socket, '403 Forbidden');
        return;
      }
      sockets.handleUpgrade(request, socket, head, (ws) => serveBridge(ws, options.backend));
    } catch {
      refuseUpgrade(socket, '400 Bad Request');
    }
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
  if (!real || !real.startsWith(root + path.sep) || !fs.statSync(real).isFile()) {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  const stream = fs.createReadStream(real);
  // A file that vanished or became unreadable after the checks above ends this response, not the host.
  stream.on('error', () => {
    if (!response.headersSent) response.writeHead(404, headers).end();
    else response.destroy();
  });
  stream.once('open', () => {
    response.writeHead(200, { ...headers, 'Content-Type': mimeTypes[path.extname(real)] ?? 'application/octet-stream' });
    stream.pipe(response);
  });
}
