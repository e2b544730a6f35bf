// One HTTP exchange on node:http/node:https, bounded in every way: a timeout over the whole exchange (connect to last
// byte), a cap on the answer's size, certificate checks that cannot be switched off, and an AbortSignal that
// destroys the socket. Retrying is the transport's job (http-transport.ts), not this file's.
import http from 'node:http';
import https from 'node:https';
import { MiaError } from '../../common/errors';
import { cancelledError } from './abortable-delay';

export interface AttemptRequest {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Extra trusted CAs (with the system roots); undefined for node's defaults. */
  readonly ca?: readonly string[];
  readonly signal?: AbortSignal;
  /** How the request is named in errors: method and URL, never credentials. */
  readonly describe: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Error codes of failures that another attempt may not meet (a dropped connection, a slow answer). */
export const transientAttemptCodes: ReadonlySet<string> = new Set(['remote.unreachable', 'remote.timeout']);

export function sendAttempt(request: AttemptRequest): Promise<HttpAnswer> {
  const { url, signal, describe } = request;
  if (signal?.aborted) return Promise.reject(cancelledError(describe));
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: MiaError): void => {
      settle(() => reject(error));
      outgoing.destroy();
    };
    const options: https.RequestOptions = {
      method: request.method,
      headers: { ...request.headers, 'Content-Length': String(request.body?.length ?? 0) },
      // Never false: a target that needs its own CA names it in caFile instead.
      rejectUnauthorized: true,
      ...(request.ca ? { ca: [...request.ca] } : {}),
    };
    const client = url.protocol === 'https:' ? https : http;
    const outgoing = client.request(url, options, (response) => {
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxResponseBytes) {
        fail(tooLarge(describe, request.maxResponseBytes, `declares ${declared} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxResponseBytes) fail(tooLarge(describe, request.maxResponseBytes, `sent more than that`));
        else chunks.push(chunk);
      });
      response.on('end', () =>
        settle(() => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks, size) })),
      );
      response.on('error', (error) => fail(networkError(describe, error)));
      response.on('close', () => {
        if (!response.complete)
          fail(new MiaError('remote.unreachable', `${describe}: the connection closed before the whole answer arrived.`));
      });
    });
    outgoing.on('error', (error) => fail(networkError(describe, error)));
    const timer = setTimeout(
      () => fail(new MiaError('remote.timeout', `${describe} took longer than ${request.timeoutMs} ms (the target's timeoutMs).`)),
      request.timeoutMs,
    );
    const onAbort = (): void => fail(cancelledError(describe));
    signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.end(request.body);
  });
}

function tooLarge(describe: string, limit: number, what: string): MiaError {
  return new MiaError(
    'remote.response-too-large',
    `${describe}: the answer ${what}, over the limit of ${limit} bytes (the target's maxResponseBytes).`,
  );
}

/** Certificate problems are refusals, not network trouble: retrying cannot fix them. */
function networkError(describe: string, error: Error): MiaError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (/CERT|SELF_SIGNED|ERR_TLS|ERR_SSL|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) {
    return new MiaError(
      'remote.tls-failed',
      `${describe}: the server's certificate was not accepted (${code}: ${error.message}). If the server uses a private CA, name its certificate in caFile.`,
      { tlsCode: code },
    );
  }
  return new MiaError('remote.unreachable', `${describe}: ${code ? `${code} ` : ''}${error.message}`, { networkCode: code });
}
