// The one request path of every remote call: checks the network policy once, then sends each request within the
// target's traffic limits and query budget, retrying network errors, timeouts, 429 and 5xx with backoff. Errors name
// the URL (never a key) and what the server said.
import { MiaError } from '../../common/errors';
import { escapeCharacters, isControlCharacter, isInvisibleCharacter } from '../../common/visible-text';
import { SeededRandom } from '../random/seeded-random';
import { sendAttempt, transientAttemptCodes, type HttpAnswer } from './http-attempt';
import { ErrorBodySchema } from './kserve-v2-messages';
import { checkTransportSecurity, readApiKey, trustedCertificates } from './network-policy';
import { QueryBudget } from './query-budget';
import { targetBaseUrl, targetUrl, type RemoteTarget } from './remote-target';
import { abortableDelay } from './abortable-delay';
import { isRetryableStatus, parseRetryAfter, retryDelayMs } from './retry-policy';
import { TrafficLimiter } from './traffic-limiter';

export interface TransportOptions {
  /** Where `apiKeyEnv` is looked up; process.env unless given. */
  readonly env?: NodeJS.ProcessEnv;
  /** Jitter source in [0, 1); a stream seeded by the target's URL unless given, so runs are reproducible. */
  readonly random?: () => number;
  /** The run's budget; a new one from the target's `budget` unless given (a resumed run passes its count on). */
  readonly budget?: QueryBudget;
}

export interface RemoteCall {
  readonly method: 'GET' | 'POST';
  /** Path under the target's base URL, starting with "/". */
  readonly path: string;
  readonly body?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export type RemoteAnswer = HttpAnswer;

export interface TransportCounts {
  /** Requests that went out on the network, retries included. */
  readonly sent: number;
  /** Of those, the ones that repeated a failed attempt. */
  readonly retried: number;
}

export class HttpTransport {
  /** The target's base URL as shown in errors and provenance; never holds credentials. */
  readonly baseUrl: string;
  readonly budget: QueryBudget;
  private readonly limiter: TrafficLimiter;
  private readonly apiKey: string | undefined;
  private readonly ca: string[] | undefined;
  private readonly random: () => number;
  private sent = 0;
  private retried = 0;

  constructor(
    private readonly target: RemoteTarget,
    options: TransportOptions = {},
  ) {
    checkTransportSecurity(target);
    this.baseUrl = targetBaseUrl(target);
    this.apiKey = readApiKey(target, options.env);
    this.ca = new URL(target.url).protocol === 'https:' ? trustedCertificates(target) : undefined;
    this.budget = options.budget ?? new QueryBudget(target.budget, this.baseUrl);
    this.limiter = new TrafficLimiter(target);
    const seeded = new SeededRandom(`remote-jitter:${this.baseUrl}`);
    this.random = options.random ?? (() => seeded.next());
  }

  get counts(): TransportCounts {
    // Its own count: the budget may be shared by the transports of several endpoints of one run.
    return { sent: this.sent, retried: this.retried };
  }

  /** Sends `call` until it gets a 2xx answer, or throws a `remote.*` MiaError once retrying cannot help. */
  async send(call: RemoteCall): Promise<RemoteAnswer> {
    const describe = `${call.method} ${this.baseUrl}${call.path}`;
    const url = targetUrl(this.target, call.path);
    const headers: Record<string, string> = { Accept: 'application/json, application/octet-stream', ...call.headers };
    if (this.apiKey !== undefined) headers['Authorization'] = `Bearer ${this.apiKey}`;
    for (let attempt = 1; ; attempt += 1) {
      let answer: HttpAnswer | undefined;
      let failure: MiaError | undefined;
      try {
        answer = await this.limiter.run(
          () => {
            // Queries (infer and variation POSTs) spend the budget; readiness and metadata GETs do not (query-budget.ts).
            if (call.method === 'POST') this.budget.spend();
            this.sent += 1;
            return sendAttempt({
              url,
              method: call.method,
              headers,
              ...(call.body ? { body: call.body } : {}),
              timeoutMs: this.target.timeoutMs,
              maxResponseBytes: this.target.maxResponseBytes,
              ...(this.ca ? { ca: this.ca } : {}),
              ...(call.signal ? { signal: call.signal } : {}),
              describe,
            });
          },
          call.signal,
          describe,
        );
      } catch (error) {
        if (!(error instanceof MiaError) || !transientAttemptCodes.has(error.code)) throw this.scrub(error);
        failure = error;
      }
      if (answer && answer.status >= 200 && answer.status < 300) return answer;
      const retryable = failure !== undefined || isRetryableStatus(answer!.status);
      if (!retryable || attempt > this.target.retries) {
        throw this.scrub(failure ? withAttempts(failure, attempt) : this.statusError(describe, answer!, attempt));
      }
      const retryAfter = answer ? parseRetryAfter(headerText(answer.headers['retry-after']), Date.now()) : null;
      await abortableDelay(retryDelayMs(attempt - 1, retryAfter, this.target, this.random), call.signal, describe);
      this.retried += 1;
    }
  }

  private statusError(describe: string, answer: HttpAnswer, attempts: number): MiaError {
    const status = answer.status;
    const code =
      status === 401 || status === 403
        ? 'remote.unauthorized'
        : status === 404
          ? 'remote.not-found'
          : status === 429
            ? 'remote.rate-limited'
            : status >= 500
              ? 'remote.server-error'
              : status >= 300 && status < 400
                ? 'remote.redirect-refused'
                : 'remote.http-error';
    const excerpt = errorExcerpt(answer.body);
    const after = attempts > 1 ? ` after ${attempts} attempts` : '';
    const said = excerpt ? `: ${excerpt}` : '';
    // Redirects are not followed: the key must not travel to a host the auditor did not name.
    const hint = code === 'remote.redirect-refused' ? ' Redirects are not followed; give the final URL as the target.' : '';
    return new MiaError(code, `${describe} answered HTTP ${status}${after}${said}.${hint}`, { status, attempts });
  }

  /** A server could echo the Authorization header back; the key never reaches an error message. */
  private scrub(error: unknown): unknown {
    if (!(error instanceof MiaError) || this.apiKey === undefined || !error.message.includes(this.apiKey)) return error;
    return new MiaError(error.code, error.message.split(this.apiKey).join('[key]'), error.details);
  }
}

export function createHttpTransport(target: RemoteTarget, options: TransportOptions = {}): HttpTransport {
  return new HttpTransport(target, options);
}

function withAttempts(error: MiaError, attempts: number): MiaError {
  if (attempts === 1) return error;
  return new MiaError(error.code, `${error.message} (gave up after ${attempts} attempts)`, { ...error.details, attempts });
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The server's `{error}` text, or the start of whatever it sent, on one line. */
export function errorExcerpt(body: Buffer): string {
  let text = body.toString('utf8', 0, Math.min(body.length, 4096));
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) text = parsed.data.error;
  } catch {
    // not JSON: show the text itself
  }
  // A server's words reach a terminal and the UI: no line breaks, and no control or invisible characters.
  const line = escapeCharacters(text.replace(/\s+/g, ' ').trim(), (code) => isControlCharacter(code) || isInvisibleCharacter(code));
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
