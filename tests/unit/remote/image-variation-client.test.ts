// The image-variation client's two ends of the wire: the multipart body it writes, read back by `mia serve`'s own
// parser, and its checks of the answer (count, base64, PNG) — plus the key, the response cache and the budget over
// a real loopback socket.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMiaError } from '../../../src-main/common/errors';
import { encodePng } from '../../../src-main/engine/data/png-encode';
import { createImageVariationClient, decodeAnswer } from '../../../src-main/engine/remote/image-variation-client';
import { multipartBody } from '../../../src-main/engine/remote/multipart-body';
import { parseRemoteTarget } from '../../../src-main/engine/remote/remote-target';
import { formBoundary, parseForm } from '../../../src-main/services/model-server/multipart-form';
import { errorCodeOf } from '../../helpers/error-code';
import { makeTempDir } from '../../helpers/temp-dir';

const grey = (width: number, height: number, value: number) => encodePng(new Uint8Array(width * height).fill(value), width, height, 1);
const answerOf = (images: readonly Buffer[]) =>
  Buffer.from(JSON.stringify({ created: 1_700_000_000, data: images.map((png) => ({ b64_json: png.toString('base64') })) }));

async function codeOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
  } catch (error) {
    return isMiaError(error) ? error.code : `not a MiaError: ${String(error)}`;
  }
  return undefined;
}

describe('the multipart body', () => {
  it('reads back through the server parser with every field and the PNG bytes unchanged', () => {
    const png = grey(8, 8, 77);
    const { body, contentType } = multipartBody([
      { name: 'image', filename: 'image.png', contentType: 'image/png', data: png },
      { name: 'n', value: '3' },
      { name: 'size', value: '64x64' },
    ]);
    const form = parseForm(body, formBoundary(contentType));
    expect([...form.keys()]).toEqual(['image', 'n', 'size']);
    expect(form.get('image')!.data.equals(png)).toBe(true);
    expect(form.get('image')!.filename).toBe('image.png');
    expect(form.get('image')!.contentType).toBe('image/png');
    expect(form.get('n')!.data.toString()).toBe('3');
    expect(form.get('size')!.data.toString()).toBe('64x64');
  });

  it('writes the same bytes for the same fields, so the cache key is stable, and other bytes for another n', () => {
    const fields = (n: string) => [
      { name: 'image', filename: 'image.png', contentType: 'image/png', data: grey(4, 4, 9) },
      { name: 'n', value: n },
    ];
    expect(multipartBody(fields('2')).body.equals(multipartBody(fields('2')).body)).toBe(true);
    expect(multipartBody(fields('2')).body.equals(multipartBody(fields('3')).body)).toBe(false);
  });

  it('chooses a boundary that occurs in no part', () => {
    const first = multipartBody([{ name: 'n', value: 'x' }]);
    const boundary = formBoundary(first.contentType);
    const tricky = multipartBody([{ name: 'user', value: `--${boundary}` }]);
    const form = parseForm(tricky.body, formBoundary(tricky.contentType));
    expect(form.get('user')!.data.toString()).toBe(`--${boundary}`);
  });

  it('refuses a name that would break out of its header', () => {
    expect(errorCodeOf(() => multipartBody([{ name: 'n"\r\nX-Injected: 1', value: '1' }]))).toBe('remote.bad-request');
  });
});

describe('the answer check', () => {
  const describe_ = 'POST http://127.0.0.1:1/v1/images/variations';

  it('decodes n PNGs', async () => {
    const images = await decodeAnswer(answerOf([grey(6, 5, 10), grey(6, 5, 200)]), 2, describe_);
    expect(images.map((image) => [image.width, image.height, image.data[0]])).toEqual([
      [6, 5, 10],
      [6, 5, 200],
    ]);
  });

  it.each([
    ['a wrong count', answerOf([grey(4, 4, 1)]), /holds 1 images; 2 were asked for/],
    [
      'a non-PNG image',
      Buffer.from(
        JSON.stringify({
          created: 1,
          data: [{ b64_json: Buffer.from('GIF89a....').toString('base64') }, { b64_json: grey(4, 4, 1).toString('base64') }],
        }),
      ),
      /data\[0\]\.b64_json is not a PNG/,
    ],
    ['a truncated PNG', answerOf([grey(4, 4, 1), grey(4, 4, 1).subarray(0, 30)]), /data\[1\]\.b64_json is not a decodable image/],
    [
      'text that is not base64',
      Buffer.from(JSON.stringify({ created: 1, data: [{ b64_json: 'not base64!' }, { b64_json: 'x' }] })),
      /data\[0\]\.b64_json is not base64/,
    ],
    ['no data list', Buffer.from(JSON.stringify({ created: 1, images: [] })), /data: /],
    ['HTML', Buffer.from('<html>busy</html>'), /is not JSON/],
  ])('refuses %s with remote.bad-response, naming what was wrong', async (_what, body, message) => {
    const error = await decodeAnswer(body, 2, describe_).catch((caught: unknown) => caught);
    expect(isMiaError(error, 'remote.bad-response')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe('the client over a socket', () => {
  const seen: { authorization: string | undefined; n: string; size: string; model: string; format: string }[] = [];
  let answer: (n: number) => Buffer = (n) => answerOf(Array.from({ length: n }, (_, i) => grey(8, 8, 20 * i)));
  let server: http.Server;
  let url = '';

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const form = parseForm(Buffer.concat(chunks), formBoundary(request.headers['content-type']));
        const field = (name: string) => form.get(name)?.data.toString() ?? '';
        seen.push({
          authorization: request.headers.authorization,
          n: field('n'),
          size: field('size'),
          model: field('model'),
          format: field('response_format'),
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end(answer(Number(field('n'))));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the fields and the key, caches the checked answer, and pays again only for a different request', async () => {
    const target = parseRemoteTarget({ url, model: 'dall-e-2', apiKeyEnv: 'MIA_TEST_VARIATION_KEY' });
    const env = { MIA_TEST_VARIATION_KEY: 'sk-test-123' };
    const cacheFolder = makeTempDir('mia-variation-cache-');
    const png = grey(16, 16, 128);
    const first = createImageVariationClient(target, { env, cacheFolder });
    const images = await first.variations({ png, n: 3, width: 8, height: 8 });
    expect(images).toHaveLength(3);
    expect(seen.at(-1)).toEqual({ authorization: 'Bearer sk-test-123', n: '3', size: '8x8', model: 'dall-e-2', format: 'b64_json' });
    // A new client on the same cache (a resumed run) sends nothing for the same request…
    const resumed = createImageVariationClient(target, { env, cacheFolder });
    const again = await resumed.variations({ png, n: 3, width: 8, height: 8 });
    expect(again.map((image) => image.data[0])).toEqual(images.map((image) => image.data[0]));
    expect(resumed.counts()).toEqual({ sent: 0, retried: 0, cacheHits: 1 });
    // …but a different n is a different request.
    await resumed.variations({ png, n: 2, width: 8, height: 8 });
    expect(resumed.counts().sent).toBe(1);
    expect(seen).toHaveLength(2);
  });

  it('never caches a bad answer, and stops at the budget', async () => {
    const target = parseRemoteTarget({ url, model: 'dall-e-2', budget: 1 });
    const cacheFolder = makeTempDir('mia-variation-cache-');
    const before = seen.length;
    answer = () => answerOf([grey(8, 8, 1)]);
    const client = createImageVariationClient(target, { cacheFolder });
    expect(await codeOf(client.variations({ png: grey(4, 4, 3), n: 2, width: 8, height: 8 }))).toBe('remote.bad-response');
    expect(await codeOf(client.variations({ png: grey(4, 4, 3), n: 2, width: 8, height: 8 }))).toBe('remote.budget-exhausted');
    expect(seen.length - before).toBe(1);
    expect(client.counts().cacheHits).toBe(0);
  });
});
