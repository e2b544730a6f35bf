// A fault-injecting HTTP proxy for remote-target tests. It forwards every request to any upstream KServe v2 server
// (the test server, `mia serve`, a real Triton) and, on inference requests, can fail a seeded share with 500, answer
// 429 with Retry-After, answer slowly, send malformed JSON, change an output's shape or put NaN in it. It counts
// requests by a hash of method, path and body, so a test can prove a cached request was never sent again.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SeededRandom } from '../../src-main/engine/random/seeded-random';
import {
  decodeResponse,
  encodeResponse,
  inferenceHeaderLengthHeader,
  type InferResponse,
} from '../../src-main/engine/remote/kserve-v2-protocol';

export type FaultMode =
  | { readonly kind: 'pass' }
  /** A seeded share (`rate`, e.g. 0.3) of inference requests fail with 500 without reaching the upstream. */
  | { readonly kind: 'fail'; readonly rate: number; readonly status?: number }
  /** The first request for each body since the mode was set gets 429 with this Retry-After; the next is forwarded. */
  | { readonly kind: 'rate-limit'; readonly retryAfter: string }
  /** Every inference answer waits `delayMs` before it is forwarded. */
  | { readonly kind: 'slow'; readonly delayMs: number }
  /** A 200 answer whose body is cut in the middle of its JSON. */
  | { readonly kind: 'malformed-json' }
  /** The first output loses its last column (shape and data stay consistent with each other). */
  | { readonly kind: 'wrong-shape' }
  /** The first output's first value becomes NaN: a binary float, or a bare NaN token in JSON as Python servers write it. */
  | { readonly kind: 'nan' };

export interface FaultProxy {
  readonly url: string;
  setMode(mode: FaultMode): void;
  /** Requests received (faulted or forwarded) for each sha256(method, path, body). */
  readonly counts: Map<string, number>;
  /** Every request received, inference or not. */
  total(): number;
  /** How many inference requests reached the upstream. */
  forwardedInfers(): number;
  close(): Promise<void>;
}

export function requestHash(method: string, path: string, body: Buffer): string {
  return createHash('sha256').update(`${method} ${path}\n`).update(body).digest('hex');
}

export async function startFaultProxy(upstream: string, options: { seed?: number; mode?: FaultMode } = {}): Promise<FaultProxy> {
  const random = new SeededRandom(options.seed ?? 19);
  let mode: FaultMode = options.mode ?? { kind: 'pass' };
  const counts = new Map<string, number>();
  let total = 0;
  let forwarded = 0;
  /** Bodies already answered 429 in the current rate-limit mode. */
  let rateLimited = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const upstreamUrl = new URL(upstream);

  const forward = (
    request: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...request.headers, host: upstreamUrl.host };
      const outgoing = http.request(new URL(request.url ?? '/', upstreamUrl), { method: request.method ?? 'GET', headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const send = (response: http.ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void => {
    if (!response.destroyed) response.writeHead(status, headers).end(body);
  };

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse, body: Buffer): Promise<void> => {
    total += 1;
    const key = requestHash(request.method ?? '', request.url ?? '', body);
    const seenBefore = counts.get(key) ?? 0;
    counts.set(key, seenBefore + 1);
    const infer = request.method === 'POST' && (request.url ?? '').endsWith('/infer');
    const current = mode;
    if (infer && current.kind === 'fail' && random.next() < current.rate) {
      send(response, current.status ?? 500, { 'Content-Type': 'application/json' }, Buffer.from('{"error":"injected fault"}'));
      return;
    }
    if (infer && current.kind === 'rate-limit' && !rateLimited.has(key)) {
      rateLimited.add(key);
      send(response, 429, { 'Content-Type': 'application/json', 'Retry-After': current.retryAfter }, Buffer.from('{"error":"slow down"}'));
      return;
    }
    if (infer && current.kind === 'slow') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, current.delayMs);
        timers.add(timer);
      });
      if (response.destroyed) return;
    }
    const answer = await forward(request, body);
    if (infer) forwarded += 1;
    const headers: Record<string, string> = {};
    for (const name of ['content-type', inferenceHeaderLengthHeader.toLowerCase()]) {
      const value = answer.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (!infer || answer.status !== 200) {
      send(response, answer.status, headers, answer.body);
      return;
    }
    if (current.kind === 'malformed-json') {
      const cut = answer.body.subarray(0, Math.floor(answer.body.length / 2));
      send(response, 200, { 'content-type': 'application/json' }, cut);
      return;
    }
    if (current.kind === 'wrong-shape' || current.kind === 'nan') {
      const headerLength = headers[inferenceHeaderLengthHeader.toLowerCase()];
      const decoded = decodeResponse(answer.body, headerLength);
      const changed = current.kind === 'wrong-shape' ? dropLastColumn(decoded) : withNaN(decoded);
      if (current.kind === 'nan' && headerLength === undefined) {
        // JSON cannot carry NaN; Python's json module writes a bare NaN token anyway, which is what this imitates.
        const text = JSON.stringify({
          ...changed,
          outputs: changed.outputs.map((o) => ({ ...o, data: Array.from(o.data as Float32Array) })),
        });
        send(response, 200, { 'content-type': 'application/json' }, Buffer.from(text.replace('null', 'NaN')));
        return;
      }
      const encoded = encodeResponse(changed, () => headerLength !== undefined);
      send(response, 200, encoded.headers, encoded.body);
      return;
    }
    send(response, 200, headers, answer.body);
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      handle(request, response, Buffer.concat(chunks)).catch((error: unknown) =>
        send(response, 502, { 'Content-Type': 'application/json' }, Buffer.from(JSON.stringify({ error: `proxy: ${String(error)}` }))),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setMode(next) {
      mode = next;
      rateLimited = new Set();
    },
    counts,
    total: () => total,
    forwardedInfers: () => forwarded,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function dropLastColumn(response: InferResponse): InferResponse {
  const [first, ...rest] = response.outputs;
  if (!first || first.shape.length < 2) return response;
  const columns = first.shape[first.shape.length - 1]!;
  const rows = first.data.length / columns;
  const data = new Float32Array(rows * (columns - 1));
  for (let row = 0; row < rows; row += 1) {
    data.set((first.data as Float32Array).subarray(row * columns, row * columns + columns - 1), row * (columns - 1));
  }
  return { ...response, outputs: [{ ...first, shape: [...first.shape.slice(0, -1), columns - 1], data }, ...rest] };
}

function withNaN(response: InferResponse): InferResponse {
  const [first, ...rest] = response.outputs;
  if (!first) return response;
  const data = Float32Array.from(first.data as Float32Array);
  data[0] = Number.NaN;
  return { ...response, outputs: [{ ...first, data }, ...rest] };
}
