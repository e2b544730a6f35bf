// Hostile clients against the built headless host (out/main/web.js, a child process, so a crash shows as an exit):
// seeded malformed HTTP requests and WebSocket frames over raw loopback sockets, and a client that never reads.
// None of it may end the host, interrupt a run that was started before it, or grow the host's memory without bound.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SeededRandom } from '../../src-main/engine/random/seeded-random';
import { openWorkspace } from '../../src-main/workspace/open-workspace';
import { decodeWire, encodeWire } from '../../src-shared/contract/wire-codec';
import { importClassifierKit, type ImportedClassifierKit } from '../helpers/demo-kit';
import { openRawWebSocket, rawRequest, webSocketFrame, type RawReply } from '../helpers/raw-wire';
import { startHeadlessHostProcess, type HeadlessHostProcess } from '../helpers/headless-host-process';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-host-fuzz-');
const workspaceFile = path.join(dir, 'fuzz.sqlite');
let host: HeadlessHostProcess;
let child: ChildProcess;
let port = 0;
let origin = '';
let cookie = '';
let kit: ImportedClassifierKit;

beforeAll(async () => {
  const db = openWorkspace(workspaceFile);
  kit = await importClassifierKit(db);
  db.close();
  host = await startHeadlessHostProcess(workspaceFile);
  child = host.child;
  const url = host.url;
  origin = new URL(url).origin;
  port = Number(new URL(url).port);
  const redeemed = await fetch(url, { redirect: 'manual' });
  cookie = (redeemed.headers.get('set-cookie') ?? '').split(';')[0]!;
  expect(cookie).toMatch(/^mia_session=/);
}, 120_000);

afterAll(async () => {
  await host?.stop();
});

function openBridge(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge`, { headers: { origin, cookie } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

let nextCallId = 1;
function call(ws: WebSocket, channel: string, payload: unknown): Promise<{ ok: boolean; data?: unknown; error?: { code: string } }> {
  const id = nextCallId++;
  return new Promise((resolve) => {
    const listener = (data: WebSocket.RawData): void => {
      const message = decodeWire(data.toString()) as { id?: number; result?: { ok: boolean } };
      if (message.id !== id) return;
      ws.off('message', listener);
      resolve(message.result as { ok: boolean; data?: unknown; error?: { code: string } });
    };
    ws.on('message', listener);
    ws.send(encodeWire({ id, channel, payload }));
  });
}

/** The host's peak resident memory so far, from /proc (Linux). */
function peakRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

// ---- the malformed inputs -------------------------------------------------------------------------------------

const printable = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&\'()*+,;=:@/?%[]{}|\\^`"<> #';

function pick<T>(random: SeededRandom, items: readonly T[]): T {
  return items[random.uint32() % items.length]!;
}

function randomText(random: SeededRandom, length: number, alphabet = printable): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[random.uint32() % alphabet.length];
  return text;
}

/** A request target the host must answer with 400: it breaks the origin-form rules, whatever else it contains. */
function malformedTarget(random: SeededRandom): string {
  const tail = randomText(random, 1 + (random.uint32() % 12));
  return pick(random, [
    '//[',
    '//x:99999',
    '//a%zz',
    `//${tail}`,
    `/${tail}%${pick(random, ['', 'z', 'zz', 'g1', '1'])}`,
    `/[${tail}`,
    `/${tail}]`,
    `/${tail}\\${tail}`,
    `/%${randomText(random, 1, 'GHIJKLMNOPQRSTUVWXYZghijklmnopqrstuvwxyz')}0`,
    `/${'a'.repeat(9000)}`,
    `http://127.0.0.1:${port}/`,
    `${tail}`,
  ]);
}

interface HttpCase {
  readonly bytes: string | Buffer;
  /** The exact status the host must answer with, or 'client-error' for any 4xx or a plain hang-up. */
  readonly expect: number | 'client-error';
}

function malformedHttp(random: SeededRandom): HttpCase {
  const host = `Host: 127.0.0.1:${port}`;
  const withCookie = random.uint32() % 2 === 0 ? `\r\nCookie: ${cookie}` : '';
  const kind = random.uint32() % 9;
  switch (kind) {
    case 0:
    case 1:
    case 2:
      return {
        bytes: `${pick(random, ['GET', 'HEAD', 'POST'])} ${malformedTarget(random)} HTTP/1.1\r\n${host}${withCookie}\r\n\r\n`,
        expect: 400,
      };
    case 3: // The same targets on the upgrade path, with everything else a real browser would send.
      return {
        bytes: `GET ${malformedTarget(random)} HTTP/1.1\r\n${host}\r\nOrigin: ${origin}\r\nCookie: ${cookie}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        expect: 400,
      };
    case 4: // Broken request lines: methods, versions, spacing, control characters.
      return {
        bytes: `${pick(random, ['G\u0000T', 'GET /', '', ' ', 'GET / HTTP/9.9', 'GET / HTTP/1.1 extra', `${randomText(random, 6)} / HTTP/1.1`, 'GET\t/\tHTTP/1.1'])}\r\n${host}\r\n\r\n`,
        expect: 'client-error',
      };
    case 5: // Broken headers.
      return {
        bytes: `GET / HTTP/1.1\r\n${host}\r\n${pick(random, ['NoColonHere', 'Bad Name: x', 'X: \u0000', `X-Long: ${'y'.repeat(20_000)}`, 'Content-Length: abc', 'Content-Length: -1', 'Content-Length: 1\r\nContent-Length: 2', 'Transfer-Encoding: bogus', `${randomText(random, 8)}`])}\r\n\r\n`,
        expect: 'client-error',
      };
    case 6: // Bodies that lie about themselves.
      return {
        bytes: `POST / HTTP/1.1\r\n${host}\r\nTransfer-Encoding: chunked\r\n\r\n${pick(random, ['zz', '-1', 'ffffffffffffffffff', '5\r\nab'])}\r\n\r\n`,
        expect: 'client-error',
      };
    case 7: // Malformed upgrades to the bridge.
      return {
        bytes: `GET /bridge HTTP/1.1\r\n${host}\r\nOrigin: ${origin}\r\nCookie: ${cookie}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${pick(random, ['Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99'])}\r\n\r\n`,
        expect: 'client-error',
      };
    default: // Random bytes.
      return {
        bytes: Buffer.from(Array.from({ length: 1 + (random.uint32() % 200) }, () => random.uint32() & 0xff)),
        expect: 'client-error',
      };
  }
}

/** A frame the host must refuse by closing that one socket. */
function malformedFrame(random: SeededRandom): { name: string; bytes: Buffer } {
  const kind = random.uint32() % 8;
  switch (kind) {
    case 0:
      return {
        name: 'bad UTF-8 text',
        bytes: webSocketFrame({ opcode: 1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, random.uint32() & 0xff]) }),
      };
    case 1:
      return {
        name: 'reserved bit',
        bytes: webSocketFrame({ opcode: 1, rsv: 1 + (random.uint32() % 7), payload: Buffer.from('{"id":1}') }),
      };
    case 2:
      return {
        name: 'unknown opcode',
        bytes: webSocketFrame({ opcode: pick(random, [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), payload: Buffer.from('x') }),
      };
    case 3:
      return {
        name: 'unmasked',
        bytes: webSocketFrame({ opcode: 1, masked: false, payload: Buffer.from('{"id":1,"channel":"datasets.list"}') }),
      };
    case 4:
      return {
        name: 'over the size limit',
        bytes: webSocketFrame({ opcode: pick(random, [1, 2]), declaredLength: 16 * 1024 * 1024 + 1 + (random.uint32() % 1_000_000) }),
      };
    case 5: {
      const code = pick(random, [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535]);
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      return {
        name: `close code ${code}`,
        bytes: webSocketFrame({ opcode: 8, payload: random.uint32() % 4 === 0 ? Buffer.from([3]) : payload }),
      };
    }
    case 6:
      return {
        name: 'fragmented or oversized control frame',
        bytes: random.uint32() % 2 ? webSocketFrame({ opcode: 9, fin: false }) : webSocketFrame({ opcode: 9, payload: Buffer.alloc(126) }),
      };
    default:
      return { name: 'continuation without a start', bytes: webSocketFrame({ opcode: 0, payload: Buffer.from('}') }) };
  }
}

async function inBatches<T>(count: number, parallel: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, i) => task(start + i));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

describe('headless host under hostile clients', () => {
  it('survives 1,200 malformed requests and 600 malformed frames while runs started before them finish', async () => {
    const ws = await openBridge();
    // Three runs, so that work is still going on in the engine while the fuzzing runs.
    const runIds: number[] = [];
    for (const run of [
      { attack: 'lira', referenceSetId: kit.referenceSetId },
      { attack: 'rmia', referenceSetId: kit.referenceSetId },
      { attack: 'shokri', shadowSetId: kit.shadowSetId },
    ]) {
      const started = await call(ws, 'runs.start', { ...run, targetModelId: kit.targetId, datasetId: kit.datasetId, seed: 3 });
      expect(started.ok, JSON.stringify(started)).toBe(true);
      runIds.push((started.data as { id: number }).id);
    }

    const random = new SeededRandom('headless-host-fuzz');
    const httpRandom = random.fork('http');
    const cases = Array.from({ length: 1_200 }, () => malformedHttp(httpRandom));
    const replies: RawReply[] = await inBatches(cases.length, 16, (i) => rawRequest(port, cases[i]!.bytes));
    const statusSeen = new Map<string, number>();
    cases.forEach((testCase, i) => {
      const reply = replies[i]!;
      const key = `${testCase.expect}->${reply.status ?? 'closed'}`;
      statusSeen.set(key, (statusSeen.get(key) ?? 0) + 1);
      if (testCase.expect === 400) expect(reply.status, JSON.stringify(String(testCase.bytes).slice(0, 80))).toBe(400);
      else
        expect(
          reply.status === null ? reply.closed : reply.status >= 400 && reply.status < 500,
          JSON.stringify(String(testCase.bytes).slice(0, 80)),
        ).toBe(true);
    });
    expect(child.exitCode, 'the host exited during the HTTP fuzzing').toBeNull();

    const frameRandom = random.fork('frames');
    const frames = Array.from({ length: 600 }, () => malformedFrame(frameRandom));
    const closedAfterFrame = await inBatches(frames.length, 8, async (i) => {
      const raw = await openRawWebSocket(port, cookie);
      raw.socket.write(frames[i]!.bytes);
      const closed = await raw.closedWithin(5_000);
      raw.socket.destroy();
      return closed;
    });
    frames.forEach((frame, i) => expect(closedAfterFrame[i], `the host kept the socket open after a frame with ${frame.name}`).toBe(true));
    expect(child.exitCode, 'the host exited during the frame fuzzing').toBeNull();

    // The bridge opened before the fuzzing still works, and so does a new one.
    expect((await call(ws, 'datasets.list', undefined)).ok).toBe(true);
    const fresh = await openBridge();
    expect((await call(fresh, 'workspace.info', undefined)).ok).toBe(true);
    fresh.close();

    const settled = ['finished', 'failed', 'cancelled', 'interrupted'];
    for (const runId of runIds) {
      let status = '';
      for (let waited = 0; waited < 170_000 && !settled.includes(status); waited += 250) {
        const run = await call(ws, 'runs.get', { runId });
        status = (run.data as { status: string }).status;
        if (!settled.includes(status)) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status, `run ${runId}`).toBe('finished');
    }
    ws.close();
  }, 240_000);

  const recordsCall = (): Buffer =>
    webSocketFrame({
      opcode: 1,
      payload: Buffer.from(
        encodeWire({ id: 1, channel: 'datasets.records', payload: { datasetId: kit.datasetId, limit: 500, withThumbnails: true } }),
      ),
    });

  async function expectHostStillServes(): Promise<void> {
    expect(child.exitCode).toBeNull();
    const ws = await openBridge();
    const started = Date.now();
    expect((await call(ws, 'datasets.list', undefined)).ok).toBe(true);
    expect(Date.now() - started, 'the host was still busy with the dropped client').toBeLessThan(10_000);
    ws.close();
    const peak = peakRssBytes(child.pid!);
    expect(peak, `peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`).toBeLessThan(600 * 2 ** 20);
  }

  it('disconnects a client that sends thousands of calls at once without reading a reply', async () => {
    const raw = await openRawWebSocket(port, cookie);
    raw.socket.pause(); // Never read: every reply would stay queued on the host's side of the connection.
    const burst = Buffer.concat(Array.from({ length: 3_000 }, recordsCall)); // 3,000 calls of ~0.45 MB replies each
    raw.socket.write(burst);
    // Now read whatever the host still sends: a host that answered everything would send about 1.3 GB.
    let received = 0;
    raw.socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    raw.socket.resume();
    expect(await raw.closedWithin(30_000), 'the host kept a flooding client connected').toBe(true);
    expect(received).toBeLessThan(80 * 2 ** 20);
    raw.socket.destroy();
    await expectHostStillServes();
  }, 120_000);

  it('disconnects a client that keeps sending calls but never reads, once its unread replies pass the bound', async () => {
    const raw = await openRawWebSocket(port, cookie);
    raw.socket.pause();
    // Few enough calls at a time that the waiting queue never fills: only the unread bytes can trip the host.
    let sent = 0;
    for (; sent < 1_000 && !raw.socket.destroyed; sent += 8) {
      raw.socket.write(Buffer.concat(Array.from({ length: 8 }, recordsCall)));
      if (await raw.closedWithin(250)) break;
    }
    expect(await raw.closedWithin(30_000), `the host kept a client that read nothing connected after ${sent} calls`).toBe(true);
    // About 64 MB of replies at ~0.45 MB each: the host stopped long before it had answered everything.
    expect(sent).toBeLessThan(1_000);
    raw.socket.destroy();
    await expectHostStillServes();
  }, 120_000);
});
