// The one request path of remote targets against real local HTTP servers: retries and Retry-After, budget, limits,
// timeouts, cancellation, size limit, the http-only-to-loopback rule and the bearer key's secrecy.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpTransport } from '../../../src-main/engine/remote/http-transport';
import { isLoopbackHost } from '../../../src-main/engine/remote/network-policy';
import { QueryBudget } from '../../../src-main/engine/remote/query-budget';
import { parseRetryAfter, retryDelayMs } from '../../../src-main/engine/remote/retry-policy';
import { parseRemoteTarget } from '../../../src-main/engine/remote/remote-target';
import { caught, quickTarget } from './helpers/remote-fixture';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, index: number) => void;

const servers: http.Server[] = [];
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A loopback server answering with `handler`; `index` counts requests from 0. */
async function serve(handler: Handler): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => handler(request, response, count++));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count };
}

const ok = (response: http.ServerResponse, body = '{"ok":true}'): void => {
  response.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
};

describe('retries', () => {
  it('retries 500, 503 and 429 and returns the first 2xx answer', async () => {
    const statuses = [500, 503, 429];
    const server = await serve((_request, response, index) => {
      if (index < statuses.length) response.writeHead(statuses[index]!).end('{"error":"busy"}');
      else ok(response);
    });
    const transport = createHttpTransport(quickTarget(server.url));
    const answer = await transport.send({ method: 'GET', path: '/v2' });
    expect(answer.body.toString()).toBe('{"ok":true}');
    expect(transport.counts).toEqual({ sent: 4, retried: 3 });
  });

  it('gives up after its retries with the status and the server error named', async () => {
    const server = await serve((_request, response) => response.writeHead(500).end('{"error":"model crashed"}'));
    const error = await caught(
      createHttpTransport(quickTarget(server.url, { retries: 2 })).send({ method: 'POST', path: '/v2/models/m/infer' }),
    );
    expect(error.code).toBe('remote.server-error');
    expect(error.message).toBe(`POST ${server.url}/v2/models/m/infer answered HTTP 500 after 3 attempts: model crashed.`);
    expect(server.requests()).toBe(3);
  });

  it('does not retry a 400 or a 401, and names them', async () => {
    const server = await serve((request, response) => response.writeHead(request.url === '/a' ? 400 : 401).end('{"error":"no"}'));
    const transport = createHttpTransport(quickTarget(server.url));
    expect((await caught(transport.send({ method: 'GET', path: '/a' }))).code).toBe('remote.http-error');
    expect((await caught(transport.send({ method: 'GET', path: '/b' }))).code).toBe('remote.unauthorized');
    expect(server.requests()).toBe(2);
  });

  it('shows the server error on one line, with control and invisible characters escaped', async () => {
    const server = await serve((_request, response) =>
      response.writeHead(400).end(JSON.stringify({ error: 'bad\ninput\u202e\u0007 here' })),
    );
    const error = await caught(createHttpTransport(quickTarget(server.url)).send({ method: 'GET', path: '/v2' }));
    expect(error.message).toBe(`GET ${server.url}/v2 answered HTTP 400: bad input⟨U+202E⟩⟨U+0007⟩ here.`);
  });

  it('does not follow a redirect', async () => {
    const server = await serve((_request, response) => response.writeHead(302, { Location: 'http://127.0.0.2/' }).end());
    expect((await caught(createHttpTransport(quickTarget(server.url)).send({ method: 'GET', path: '/v2' }))).code).toBe(
      'remote.redirect-refused',
    );
  });

  it('waits as long as Retry-After says, up to the cap', async () => {
    const server = await serve((_request, response, index) => {
      if (index === 0) response.writeHead(429, { 'Retry-After': '1' }).end();
      else ok(response);
    });
    const started = Date.now();
    await createHttpTransport(quickTarget(server.url)).send({ method: 'GET', path: '/v2' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('reads Retry-After as seconds or an HTTP date, and backs off exponentially with seeded jitter', () => {
    const now = Date.parse('2026-12-06T08:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 06 Dec 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    const settings = { retryBaseDelayMs: 100, retryMaxDelayMs: 1000 };
    expect(retryDelayMs(0, null, settings, () => 0)).toBe(50);
    expect(retryDelayMs(2, null, settings, () => 0.5)).toBe(300);
    expect(retryDelayMs(8, null, settings, () => 0.99)).toBe(1000);
    expect(retryDelayMs(0, 60_000, settings, () => 0)).toBe(1000);
  });

  it('fails with remote.unreachable, within bounded time, when nothing listens', async () => {
    const server = await serve((_request, response) => ok(response));
    const url = server.url;
    const closed = servers.pop()!;
    await new Promise((resolve) => closed.close(resolve));
    const started = Date.now();
    const error = await caught(createHttpTransport(quickTarget(url, { retries: 2 })).send({ method: 'GET', path: '/v2' }));
    expect(error.code).toBe('remote.unreachable');
    expect(error.message).toMatch(/ECONNREFUSED.*gave up after 3 attempts/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('bounds', () => {
  it('times out an answer that never comes, and retries it', async () => {
    const server = await serve(() => undefined);
    const started = Date.now();
    const error = await caught(
      createHttpTransport(quickTarget(server.url, { timeoutMs: 200, retries: 1 })).send({ method: 'GET', path: '/v2' }),
    );
    expect(error.code).toBe('remote.timeout');
    expect(server.requests()).toBe(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('cancels a request in flight and a backoff wait when the signal aborts', async () => {
    const server = await serve((request, response) =>
      request.url === '/busy' ? response.writeHead(503, { 'Retry-After': '60' }).end() : undefined,
    );
    const transport = createHttpTransport(quickTarget(server.url, { retryMaxDelayMs: 120_000 }));
    for (const path of ['/hang', '/busy']) {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      expect((await caught(transport.send({ method: 'GET', path, signal: controller.signal }))).code).toBe('remote.cancelled');
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it('refuses an answer over maxResponseBytes, declared or streamed', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/declared') response.writeHead(200, { 'Content-Length': String(5000) }).end('x'.repeat(5000));
      else {
        response.writeHead(200);
        response.write('x'.repeat(3000));
        response.end('y'.repeat(3000));
      }
    });
    const transport = createHttpTransport(quickTarget(server.url, { maxResponseBytes: 4096 }));
    for (const path of ['/declared', '/streamed']) {
      const error = await caught(transport.send({ method: 'GET', path }));
      expect(error.code).toBe('remote.response-too-large');
      expect(error.message).toContain('4096 bytes');
    }
  });

  it('keeps no more requests in flight than the concurrency limit', async () => {
    let active = 0;
    let peak = 0;
    const server = await serve((_request, response) => {
      active += 1;
      peak = Math.max(peak, active);
      setTimeout(() => {
        active -= 1;
        ok(response);
      }, 30);
    });
    const transport = createHttpTransport(quickTarget(server.url, { concurrency: 2 }));
    await Promise.all(Array.from({ length: 8 }, () => transport.send({ method: 'GET', path: '/v2' })));
    expect(peak).toBe(2);
  });

  it('lets a request waiting for a concurrency slot leave the queue when cancelled', async () => {
    const server = await serve(() => undefined);
    const transport = createHttpTransport(quickTarget(server.url, { concurrency: 1, timeoutMs: 500, retries: 0 }));
    const holder = transport.send({ method: 'GET', path: '/hold' });
    const controller = new AbortController();
    const waiting = transport.send({ method: 'GET', path: '/queued', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await caught(waiting)).code).toBe('remote.cancelled');
    expect(server.requests()).toBe(1);
    expect((await caught(holder)).code).toBe('remote.timeout');
  });

  it('starts no more requests per second than the limit', async () => {
    const server = await serve((_request, response) => ok(response));
    const transport = createHttpTransport(quickTarget(server.url, { requestsPerSecond: 10, concurrency: 8 }));
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => transport.send({ method: 'GET', path: '/v2' })));
    // Six starts 100 ms apart: the last one cannot begin before 500 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
  });
});

describe('query budget', () => {
  const query = { method: 'POST', path: '/v2/models/m/infer', body: Buffer.from('{}') } as const;

  it('stops before the query that would exceed the budget, naming the budget and the count', async () => {
    const server = await serve((_request, response) => ok(response));
    const transport = createHttpTransport(quickTarget(server.url, { budget: 3 }));
    for (let i = 0; i < 3; i += 1) await transport.send(query);
    const error = await caught(transport.send(query));
    expect(error.code).toBe('remote.budget-exhausted');
    expect(error.message).toMatch(/budget of 3 queries .* \(3 sent\)/);
    expect(server.requests()).toBe(3);
  });

  it('does not count readiness and metadata reads, which are not queries', async () => {
    const server = await serve((_request, response) => ok(response));
    const transport = createHttpTransport(quickTarget(server.url, { budget: 1 }));
    for (let i = 0; i < 4; i += 1) await transport.send({ method: 'GET', path: '/v2' });
    await transport.send(query);
    expect([transport.budget.sent, transport.counts.sent]).toEqual([1, 5]);
    expect((await caught(transport.send(query))).code).toBe('remote.budget-exhausted');
  });

  it('counts every retry against the budget, and continues a resumed count', async () => {
    const server = await serve((_request, response, index) => (index % 2 === 0 ? response.writeHead(500).end() : ok(response)));
    const transport = createHttpTransport(quickTarget(server.url), { budget: new QueryBudget(5, server.url, 2) });
    await transport.send(query);
    expect(transport.budget.sent).toBe(4);
    expect((await caught(transport.send(query))).code).toBe('remote.budget-exhausted');
    expect(server.requests()).toBe(3);
  });
});

describe('network policy and keys', () => {
  it('sends plain http only to loopback unless the target allows it', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.200.3.4')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('[::ffff:7f00:1]')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.example.org')).toBe(false);
    const error = (() => {
      try {
        createHttpTransport(parseRemoteTarget({ url: 'http://models.example.org:8000', model: 'm' }));
      } catch (thrown) {
        return thrown as { code: string; message: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe('remote.insecure-http');
    expect(error?.message).toContain('allowInsecureHttp');
    expect(() =>
      createHttpTransport(parseRemoteTarget({ url: 'http://models.example.org:8000', model: 'm', allowInsecureHttp: true })),
    ).not.toThrow();
    expect(() => createHttpTransport(parseRemoteTarget({ url: 'https://models.example.org', model: 'm' }))).not.toThrow();
  });

  it('refuses a URL with credentials or a query', () => {
    expect(() => parseRemoteTarget({ url: 'https://user:secret@models.example.org', model: 'm' })).toThrow(/user name, password/);
    expect(() => parseRemoteTarget({ url: 'https://models.example.org/?key=secret', model: 'm' })).toThrow(/query/);
    expect(() => parseRemoteTarget({ url: 'ftp://models.example.org', model: 'm' })).toThrow();
  });

  it('names a missing key variable, and never the key', async () => {
    const target = quickTarget('http://127.0.0.1:1', { apiKeyEnv: 'MIA_TEST_REMOTE_KEY' });
    const missing = (() => {
      try {
        createHttpTransport(target, { env: {} });
      } catch (thrown) {
        return thrown as { code: string; message: string };
      }
      return undefined;
    })();
    expect(missing?.code).toBe('remote.api-key-missing');
    expect(missing?.message).toContain('MIA_TEST_REMOTE_KEY');
  });

  it('sends the key as a bearer token and keeps it out of errors even when the server echoes it', async () => {
    const key = 'sk-test-0123456789abcdef';
    const server = await serve((request, response) =>
      request.url === '/echo'
        ? response.writeHead(403).end(JSON.stringify({ error: `key ${request.headers.authorization} is not allowed` }))
        : ok(response, JSON.stringify({ saw: request.headers.authorization })),
    );
    const transport = createHttpTransport(quickTarget(server.url, { apiKeyEnv: 'MIA_TEST_REMOTE_KEY' }), {
      env: { MIA_TEST_REMOTE_KEY: key },
    });
    expect((await transport.send({ method: 'GET', path: '/v2' })).body.toString()).toContain(`Bearer ${key}`);
    const error = await caught(transport.send({ method: 'GET', path: '/echo' }));
    expect(error.code).toBe('remote.unauthorized');
    expect(error.message).toContain('is not allowed');
    expect(error.message).not.toContain(key);
    expect(JSON.stringify(error.details)).not.toContain(key);
  });
});

describe('shared budget', () => {
  it('counts each transport on its own while one budget spans them', async () => {
    const first = await serve((_request, response) => ok(response));
    const second = await serve((_request, response) => ok(response));
    const budget = new QueryBudget(3, 'the remote models of this run');
    const a = createHttpTransport(quickTarget(first.url), { budget });
    const b = createHttpTransport(quickTarget(second.url), { budget });
    const query = { method: 'POST', path: '/v2/models/m/infer', body: Buffer.from('{}') } as const;
    await a.send(query);
    await a.send(query);
    await b.send(query);
    expect([a.counts.sent, b.counts.sent, budget.sent]).toEqual([2, 1, 3]);
    expect((await caught(b.send(query))).message).toContain('the remote models of this run');
  });
});
