// `mia serve`'s HTTP server: the configured models over KServe v2 and the image-variation endpoint, on 127.0.0.1
// only, every request behind the bearer token, every failure answered as `{ error }` (never a crash), and each
// request logged as method, path, status and milliseconds (never a header, so never the token).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MiaError } from '../../common/errors';
import { parseKservePath } from '../../engine/remote/kserve-v2-protocol';
import { carriesToken } from './bearer-token';
import { httpError, sendError, statusOf } from './http-exchange';
import { answerKserve } from './kserve-routes';
import type { ServeConfig } from './serve-config';
import { openServedModels, releaseServedModels } from './served-models';
import { answerVariations, variationsPath } from './variation-route';
import { openVariationTarget, type OpenedVariationTarget } from './variation-target';

export interface ModelServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly token: string;
  /** One line per request, and unexpected errors; the CLI writes them to stderr. */
  readonly log: (line: string) => void;
}

export interface ModelServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The only address the server listens on: it serves an auditor's own machine, never the network. */
const loopback = '127.0.0.1';

export async function startModelServer(config: ServeConfig, options: ModelServerOptions): Promise<ModelServer> {
  const models = await openServedModels(config.models);
  let variations: OpenedVariationTarget | null = null;
  try {
    if (config.variations) variations = await openVariationTarget(config.variations);
  } catch (error) {
    await releaseServedModels(models);
    throw error;
  }
  let port = 0;

  const route = async (request: http.IncomingMessage, response: http.ServerResponse, pathname: string): Promise<void> => {
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding) sends its own name as Host: refused first.
    const host = request.headers.host ?? '';
    if (![`${loopback}:${port}`, `localhost:${port}`].includes(host)) {
      throw httpError(421, 'serve.wrong-host', `This server answers only at http://${loopback}:${port}.`);
    }
    if (!carriesToken(request.headers.authorization, options.token)) {
      throw httpError(401, 'serve.unauthorized', 'Send the server token as "Authorization: Bearer TOKEN".');
    }
    if (pathname === variationsPath) return answerVariations(request, response, variations, config.maxBodyBytes);
    const kserve = parseKservePath(pathname);
    if (kserve) return answerKserve(kserve, request, response, models, config.maxBodyBytes);
    throw httpError(404, 'serve.not-found', `Nothing is served at ${pathname}.`);
  };

  const server = http.createServer((request, response) => {
    const started = performance.now();
    // Only the path is logged and routed; a query string (where a careless client might put a key) is dropped.
    const pathname = (request.url ?? '/').split('?')[0] ?? '/';
    response.on('finish', () => {
      options.log(`${request.method ?? '?'} ${pathname} ${response.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    route(request, response, pathname).catch((error: unknown) => {
      const status = statusOf(error);
      if (status === 500)
        options.log(`internal error on ${pathname}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      // The rest of a refused body is not read; closing the connection keeps a client from sending it on.
      if (!request.complete) response.setHeader('connection', 'close');
      sendError(response, status, status === 500 ? 'The server failed while answering; see its log.' : (error as Error).message);
    });
  });
  // A request line or header that does not parse never reaches the handler: answer 400 and drop the socket.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, loopback, () => resolve());
    });
  } catch (error) {
    await releaseServedModels(models);
    await variations?.release();
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new MiaError('serve.listen-failed', `Cannot listen on ${loopback}:${options.port}: ${reason}.`);
  }
  port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${loopback}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await releaseServedModels(models);
        await variations?.release();
      })();
      return closing;
    },
  };
}
