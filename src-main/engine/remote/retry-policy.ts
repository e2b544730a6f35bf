// When a failed attempt is worth repeating and how long to wait first: exponential backoff with jitter, or the
// server's own `Retry-After`, never longer than the target's cap.

/** 429 and 5xx are worth another try; 501 and 505 say the server will never do it. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

export interface BackoffSettings {
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
}

/**
 * The wait before retry number `retry` (0 for the first): the server's Retry-After when it gave one, else
 * base·2^retry scaled by a jitter factor in [0.5, 1) so that clients that failed together do not return together.
 */
export function retryDelayMs(retry: number, retryAfterMs: number | null, settings: BackoffSettings, random: () => number): number {
  const backoff = settings.retryBaseDelayMs * 2 ** Math.min(retry, 30) * (0.5 + random() / 2);
  return Math.min(settings.retryMaxDelayMs, retryAfterMs ?? backoff);
}
