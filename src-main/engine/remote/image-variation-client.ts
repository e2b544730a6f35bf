// A client of an image-variation API in the OpenAI Images API shape (`POST /v1/images/variations`, the black-box
// access ReDiffuse had to DALL-E 2): one multipart request per image with `image` (PNG), `n`, `size`,
// `response_format=b64_json` and the target's `model`, sent through the shared transport (policy, key, limits,
// retries, budget) and answered from the workspace's response cache when the same request was answered before.
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { decodeImageBytes, type DecodedImage } from '../data/decode-image';
import { hasPngSignature } from '../data/png-check';
import { createHttpTransport, type HttpTransport, type TransportOptions } from './http-transport';
import { multipartBody } from './multipart-body';
import type { RemoteTarget } from './remote-target';
import { cacheKey, ResponseCache, type CachedAnswer } from './response-cache';

export const imageVariationsPath = '/v1/images/variations';

export interface ImageVariationClientOptions extends TransportOptions {
  /** One transport per endpoint, shared so the traffic limits and the run's budget hold across its models. */
  readonly transport?: HttpTransport;
  /** The response cache's folder (e.g. `<workspace>/remote-cache`); no caching without one. */
  readonly cacheFolder?: string;
}

export interface VariationRequest {
  /** The image to vary, as PNG bytes (at the size asked for: the API varies what it is sent). */
  readonly png: Buffer;
  /** Variations asked for in this one request. */
  readonly n: number;
  readonly width: number;
  readonly height: number;
  readonly signal?: AbortSignal;
}

export interface VariationCounts {
  /** HTTP requests sent through the transport (shared with other models of the endpoint), retries included. */
  readonly sent: number;
  readonly retried: number;
  /** Variation requests answered from the cache, which sent nothing. */
  readonly cacheHits: number;
}

export interface ImageVariationClient {
  /** The endpoint as shown in notes and errors (never a key). */
  readonly baseUrl: string;
  /** The n variations of one image, each checked and decoded to 8-bit pixels. */
  variations(request: VariationRequest): Promise<DecodedImage[]>;
  counts(): VariationCounts;
}

/** The answer's shape; fields the API adds beside these (`revised_prompt`, `usage`) are allowed and ignored. */
const VariationsAnswer = z.object({
  created: z.number().int().nonnegative(),
  data: z.array(z.object({ b64_json: z.string() })),
});

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function createImageVariationClient(target: RemoteTarget, options: ImageVariationClientOptions = {}): ImageVariationClient {
  const transport = options.transport ?? createHttpTransport(target, options);
  const cache = options.cacheFolder === undefined ? undefined : new ResponseCache(options.cacheFolder);
  const identity = { baseUrl: transport.baseUrl, model: target.model, ...(target.version ? { version: target.version } : {}) };
  const describe = `POST ${transport.baseUrl}${imageVariationsPath}`;
  let cacheHits = 0;

  return {
    baseUrl: transport.baseUrl,
    counts: () => ({ ...transport.counts, cacheHits }),
    async variations(request) {
      checkRequest(request, describe);
      const { body, contentType } = multipartBody([
        { name: 'image', filename: 'image.png', contentType: 'image/png', data: request.png },
        { name: 'n', value: String(request.n) },
        { name: 'size', value: `${request.width}x${request.height}` },
        { name: 'response_format', value: 'b64_json' },
        { name: 'model', value: target.model },
      ]);
      const decode = (answer: CachedAnswer) => decodeAnswer(answer.body, request.n, describe);
      // The key covers the whole body, so the image bytes, n, size and model all decide whether an answer is reused.
      const key = cache ? cacheKey(identity, 'POST', imageVariationsPath, body) : undefined;
      if (cache && key) {
        const hit = cache.read(key, (answer) => answer);
        if (hit) {
          try {
            const images = await decode(hit);
            cacheHits += 1;
            return images;
          } catch {
            // An entry that no longer decodes is asked for again; the fresh answer replaces it.
          }
        }
      }
      const answer = await transport.send({
        method: 'POST',
        path: imageVariationsPath,
        body,
        headers: { 'Content-Type': contentType },
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const kept: CachedAnswer = { headers: {}, body: answer.body };
      const images = await decode(kept);
      // Stored only once it passed every check: a bad answer is never replayed from the cache.
      if (cache && key) await cache.write(key, kept);
      return images;
    },
  };
}

function checkRequest(request: VariationRequest, describe: string): void {
  const whole = (value: number) => Number.isInteger(value) && value >= 1;
  if (!whole(request.n) || !whole(request.width) || !whole(request.height)) {
    throw new MiaError(
      'remote.bad-request',
      `${describe}: n, width and height must be whole numbers of at least 1; got n = ${request.n}, size ${request.width}x${request.height}.`,
    );
  }
}

/** `{ created, data: [{ b64_json }] }` with exactly n PNGs that check and decode; anything else is `remote.bad-response`. */
export async function decodeAnswer(body: Buffer, n: number, describe: string): Promise<DecodedImage[]> {
  const bad = (what: string) => new MiaError('remote.bad-response', `${describe}: the answer ${what}.`);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw bad('is not JSON; expected { "created": …, "data": [{ "b64_json": … }] }');
  }
  const parsed = VariationsAnswer.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bad(`does not have the Images API shape: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`);
  }
  const { data } = parsed.data;
  if (data.length !== n) throw bad(`holds ${data.length} images; ${n} were asked for`);
  const images: DecodedImage[] = [];
  for (const [index, item] of data.entries()) {
    if (!base64.test(item.b64_json)) throw bad(`data[${index}].b64_json is not base64`);
    const bytes = Buffer.from(item.b64_json, 'base64');
    if (!hasPngSignature(bytes)) throw bad(`data[${index}].b64_json is not a PNG (response_format b64_json of a PNG was asked for)`);
    try {
      images.push(await decodeImageBytes(bytes, `data[${index}]`, describe));
    } catch (error) {
      if (!(error instanceof MiaError)) throw error;
      throw bad(`data[${index}].b64_json is not a decodable image (${error.message})`);
    }
  }
  return images;
}
