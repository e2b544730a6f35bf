// The headless host's gate, beyond tests/integration/headless-host.test.ts: tokens are compared in constant time
// (also when their lengths differ) and a wrong one never uses up the real one; the WebSocket checks its Origin
// exactly; requests must be addressed to 127.0.0.1:PORT; the server is reachable on loopback only.
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { forkHostSpawner } from '../../src-main/host/fork-host';
import { createBackend, type Backend } from '../../src-main/services/backend';
import { constantTimeEqual } from '../../src-main/common/constant-time';
import { AccessGate } from '../../src-main/web/access-token';
import { startHeadlessHost, type HeadlessHost } from '../../src-main/web/headless-host';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

// Spy on the comparison the gate must use; everything else in node:crypto stays real.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = vi.fn(actual.timingSafeEqual);
  return { ...actual, default: { ...actual, timingSafeEqual }, timingSafeEqual };
});

const token = 'T0ken-for-the-security-test_0123456789abcd';
const dir = makeTempDir();
let backend: Backend;
let host: HeadlessHost;

beforeAll(async () => {
  backend = createBackend({ workspaceFile: path.join(dir, 'web.sqlite'), spawnHost: forkHostSpawner() });
  host = await startHeadlessHost({ backend, rendererDir: path.join(repoRoot, 'out', 'renderer'), token });
});
afterAll(async () => {
  await host?.close();
  backend?.close();
});

describe('constantTimeEqual', () => {
  it('is true only for the same bytes', () => {
    expect(constantTimeEqual(token, token)).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual(token, `${token.slice(0, -1)}X`)).toBe(false);
    expect(constantTimeEqual('Token', 'token')).toBe(false);
  });

  it('refuses strings of other lengths, counting bytes rather than characters, without throwing', () => {
    expect(constantTimeEqual(token, token.slice(1))).toBe(false);
    expect(constantTimeEqual(token, `${token}x`)).toBe(false);
    expect(constantTimeEqual('', token)).toBe(false);
    // Same number of characters, different number of UTF-8 bytes: timingSafeEqual alone would throw here.
    expect(constantTimeEqual('é', 'e')).toBe(false);
    expect(constantTimeEqual('ab', 'é')).toBe(false);
  });

  it('always goes through crypto.timingSafeEqual, also when the lengths differ', () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    constantTimeEqual(token, `${token.slice(0, -1)}X`);
    constantTimeEqual(token, 'short');
    expect(spy).toHaveBeenCalledTimes(2);
  });
});

describe('AccessGate', () => {
  it('refuses wrong tokens of any length without using up the real one, then accepts it once', () => {
    const gate = new AccessGate('the-real-token');
    for (const wrong of ['', 'x', 'the-real-toke', 'the-real-tokenn', 'THE-REAL-TOKEN', 'the-real-token\u0000', null, undefined]) {
      expect(gate.redeem(wrong), String(wrong)).toBeNull();
    }
    expect(gate.pendingToken).toBe('the-real-token');
    const session = gate.redeem('the-real-token');
    expect(session).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(gate.redeem('the-real-token')).toBeNull();
    expect(gate.pendingToken).toBeNull();
    expect(gate.isSession(session)).toBe(true);
    for (const wrong of ['', session!.slice(1), `${session}x`, null, undefined]) expect(gate.isSession(wrong)).toBe(false);
  });
});

describe('headless host over HTTP', () => {
  let cookie = '';

  it('refuses a wrong token of another length, and a token sent with another method, keeping the real one', async () => {
    for (const wrong of ['x', token.slice(0, -1), `${token}0`, encodeURIComponent(`${token}é`)]) {
      const response = await fetch(`${host.origin}/?token=${wrong}`, { redirect: 'manual' });
      expect(response.status, wrong).toBe(403);
      expect(await response.text()).not.toContain(token);
    }
    const post = await fetch(`${host.origin}/?token=${token}`, { method: 'POST', redirect: 'manual' });
    expect(post.status).toBe(405);
    const first = await fetch(host.url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/^mia_session=/);
  });

  it('accepts the WebSocket only from its own origin, spelled exactly', async () => {
    const open = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/bridge`, { headers });
        ws.once('open', () => {
          ws.close();
          resolve(101);
        });
        ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        ws.once('error', () => resolve(-1));
      });
    const port = host.port;
    expect(await open({ cookie })).toBe(403); // no Origin at all
    for (const origin of [
      'null',
      `http://localhost:${port}`,
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      `${host.origin}/`,
      `${host.origin}.evil.example`,
      'file://',
    ]) {
      expect(await open({ origin, cookie }), origin).toBe(403);
    }
    expect(await open({ origin: host.origin, cookie: 'mia_session=forged' })).toBe(403);
    expect(await open({ origin: host.origin, cookie })).toBe(101);
  });

  it('answers only requests addressed to 127.0.0.1:PORT, whatever name resolved to it', async () => {
    const get = (hostName: string, withCookie: boolean) =>
      new Promise<number>((resolve, reject) => {
        const request = http.get(
          { host: '127.0.0.1', port: host.port, path: '/', headers: { host: hostName, ...(withCookie ? { cookie } : {}) } },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.once('error', reject);
      });
    for (const name of [`localhost:${host.port}`, `evil.example:${host.port}`, '127.0.0.1', `127.0.0.1:${host.port + 1}`]) {
      expect(await get(name, true), name).toBe(421);
    }
    expect(await get(`127.0.0.1:${host.port}`, true)).toBe(200);
    const upgrade = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/bridge`, {
        headers: { origin: host.origin, cookie, host: `evil.example:${host.port}` },
      });
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      ws.once('error', () => resolve(-1));
    });
    expect(upgrade).toBe(403);
  });

  it("listens on 127.0.0.1 only: not on the machine's other addresses, not on IPv6 loopback", async () => {
    expect(host.address).toBe('127.0.0.1');
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((entry): entry is os.NetworkInterfaceInfo => !!entry && !entry.internal)
      .map((entry) => entry.address);
    for (const address of [...others, '::1']) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = net.connect({ host: address, port: host.port, timeout: 2000 });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('timeout', () => {
          socket.destroy();
          resolve('timeout');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(outcome, address).not.toBe('connected');
    }
  });
});
