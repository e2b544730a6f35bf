// The headless host over real HTTP and WebSocket on loopback.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { forkHostSpawner } from '../../src-main/host/fork-host';
import { createBackend, type Backend } from '../../src-main/services/backend';
import { startHeadlessHost, type HeadlessHost } from '../../src-main/web/headless-host';
import { decodeWire, encodeWire } from '../../src-shared/contract/wire-codec';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir();
let backend: Backend;
let host: HeadlessHost;
let cookie = '';

beforeAll(async () => {
  backend = createBackend({ workspaceFile: path.join(dir, 'web.sqlite'), spawnHost: forkHostSpawner() });
  host = await startHeadlessHost({ backend, rendererDir: path.join(repoRoot, 'out', 'renderer') });
});
afterAll(async () => {
  await host.close();
  backend.close();
});

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/bridge`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('headless host', () => {
  it('listens on loopback only', () => {
    expect(host.address).toBe('127.0.0.1');
    expect(host.url.startsWith('http://127.0.0.1:')).toBe(true);
  });

  it('refuses pages without the token', async () => {
    const response = await fetch(`${host.origin}/`, { redirect: 'manual' });
    expect(response.status).toBe(403);
    const asset = await fetch(`${host.origin}/index.html`, { redirect: 'manual' });
    expect(asset.status).toBe(403);
  });

  it('refuses a wrong token', async () => {
    const response = await fetch(`${host.origin}/?token=not-the-token`, { redirect: 'manual' });
    expect(response.status).toBe(403);
  });

  it('exchanges the one-time token for a session cookie, then refuses the token a second time', async () => {
    const first = await fetch(host.url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const setCookie = first.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    cookie = setCookie.split(';')[0]!;
    const again = await fetch(host.url, { redirect: 'manual' });
    expect(again.status).toBe(403);
    const page = await fetch(`${host.origin}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await page.text()).toMatch(/MIA Workbench/);
  });

  it('does not serve files outside the renderer folder', async () => {
    const response = await fetch(`${host.origin}/..%2f..%2fpackage.json`, { headers: { cookie } });
    expect(response.status).toBe(404);
  });

  it('refuses a WebSocket without the session cookie or from another origin', async () => {
    await expect(openSocket({ origin: host.origin })).rejects.toThrow(/403/);
    await expect(openSocket({ origin: 'http://evil.example', cookie })).rejects.toThrow(/403/);
  });

  it('answers contract calls over the WebSocket with the session cookie', async () => {
    const ws = await openSocket({ origin: host.origin, cookie });
    const reply = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(decodeWire(data.toString()))));
    ws.send(encodeWire({ id: 7, channel: 'datasets.list', payload: undefined }));
    expect(await reply).toEqual({ id: 7, result: { ok: true, data: [] } });
    const invalid = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(decodeWire(data.toString()))));
    ws.send(encodeWire({ id: 8, channel: 'runs.get', payload: { runId: -1 } }));
    expect(await invalid).toMatchObject({ id: 8, result: { ok: false, error: { code: 'ipc.invalid-payload' } } });
    ws.close();
  });
});
