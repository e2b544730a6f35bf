// What the workbench needs to know to reach one remote model: where it is, how to authenticate, and how hard it may
// be pushed. Parsed with zod wherever a target enters (config files, the workspace, IPC); defaults are documented
// on each field.
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import { RemoteComponent, RemoteEndpoint } from '../../../src-shared/domain/remote-models';

// The endpoint's fields (URL rules, key variable, CA file, limits and their ranges) are the ones the workspace stores
// (src-shared/domain/remote-models.ts); this schema adds the model and fills in the client's defaults.
const endpoint = RemoteEndpoint.shape;

export const RemoteTargetSchema = z.object({
  /** The server's base URL, http or https, with no user name, password, query or fragment. */
  url: endpoint.url,
  /** The model's name on the server. */
  model: RemoteComponent.shape.model,
  /** A model version; absent means the server's default version. */
  version: RemoteComponent.shape.version,
  /** Name of the environment variable holding a bearer key; absent means no Authorization header. */
  apiKeyEnv: endpoint.apiKeyEnv,
  /** A PEM file of extra CA certificates trusted for this target, besides the system's roots. */
  caFile: endpoint.caFile,
  /** Plain http to a host that is not loopback is refused unless this is true. Default false. */
  allowInsecureHttp: endpoint.allowInsecureHttp.default(false),
  /** Longest time one attempt may take, from connecting to the last byte of the answer. Default 60 000 ms. */
  timeoutMs: endpoint.timeoutMs.default(60_000),
  /** Retries after the first attempt, on network errors, timeouts, 429 and 5xx. Default 4. */
  retries: endpoint.retries.default(4),
  /** First backoff delay; each retry doubles it, with jitter. Default 500 ms. */
  retryBaseDelayMs: z.number().int().min(0).max(60_000).default(500),
  /** No wait between attempts is longer than this, whatever `Retry-After` says. Default 30 000 ms. */
  retryMaxDelayMs: z.number().int().min(0).max(600_000).default(30_000),
  /** Requests in flight at once, across every model of the target. Default 4. */
  concurrency: endpoint.concurrency.default(4),
  /** Requests started per second, across every model of the target. Default 20. */
  requestsPerSecond: endpoint.requestsPerSecond.default(20),
  /** Most queries (infer or variation POSTs, retries included) a run may send (cache hits and metadata reads are free); absent means no limit. */
  budget: z.number().int().min(0).optional(),
  /** Answers larger than this are refused. Default 256 MiB. */
  maxResponseBytes: z
    .number()
    .int()
    .min(1024)
    .max(2 ** 31)
    .default(256 * 1024 * 1024),
  /** 'auto' uses binary tensors when the server advertises them; 'json' always sends JSON tensors. Default 'auto'. */
  tensorEncoding: z.enum(['auto', 'json']).default('auto'),
});

/** A parsed target, every default filled in. */
export type RemoteTarget = z.output<typeof RemoteTargetSchema>;
/** A target as written in a config, defaults optional. */
export type RemoteTargetInput = z.input<typeof RemoteTargetSchema>;

export function parseRemoteTarget(value: unknown, what = 'The remote target'): RemoteTarget {
  return parseWith(RemoteTargetSchema, value, what, 'remote.bad-target');
}

/** The base URL as shown to people and used in cache keys: no trailing slash; the schema keeps credentials out. */
export function targetBaseUrl(target: Pick<RemoteTarget, 'url'>): string {
  const url = new URL(target.url);
  // Defence in depth: parseRemoteTarget refuses credentials, but a hand-built object might carry them.
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/+$/, '');
}

/** `base + path`, keeping a base path prefix (`https://host/serving` + `/v2` → `https://host/serving/v2`). */
export function targetUrl(target: Pick<RemoteTarget, 'url'>, requestPath: string): URL {
  if (!requestPath.startsWith('/')) throw new MiaError('remote.bad-path', `Request path ${requestPath} must start with "/".`);
  return new URL(targetBaseUrl(target) + requestPath);
}
