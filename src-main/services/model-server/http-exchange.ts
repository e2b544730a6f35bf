// The model server's request and response plumbing: a body read up to a size limit, JSON and error answers in the
// KServe `{ error }` shape, and the error that carries its HTTP status from a route to the answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MiaError } from '../../common/errors';

/** A refusal with its HTTP status; its message is what the client reads in `{ error }`. */
export function httpError(status: number, code: string, message: string): MiaError {
  return new MiaError(code, message, { status });
}

/** The status a thrown error answers with: its own, 400 for other workbench errors (bad input), else 500. */
export function statusOf(error: unknown): number {
  if (error instanceof MiaError) {
    const status = error.details?.status;
    return typeof status === 'number' ? status : 400;
  }
  return 500;
}

/** The whole body, refused with 413 as soon as it passes `limit` bytes (the rest is not buffered). */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(
      httpError(413, 'serve.body-too-large', `The request body of ${declared} bytes is over the limit of ${limit} bytes.`),
    );
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (part: Buffer) => {
      if (refused) return;
      size += part.length;
      if (size > limit) {
        refused = true;
        parts.length = 0;
        reject(httpError(413, 'serve.body-too-large', `The request body is over the limit of ${limit} bytes.`));
        return;
      }
      parts.push(part);
    });
    request.on('end', () => {
      if (!refused) resolve(Buffer.concat(parts));
    });
    request.on('error', (error) => {
      if (!refused) reject(error);
    });
  });
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  sendBytes(response, status, Buffer.from(JSON.stringify(body)), { 'content-type': 'application/json' });
}

export function sendError(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, { error: message });
}

export function sendBytes(response: ServerResponse, status: number, body: Buffer, headers: Record<string, string>): void {
  response.writeHead(status, { ...headers, 'content-length': String(body.length), 'cache-control': 'no-store' });
  response.end(body);
}
