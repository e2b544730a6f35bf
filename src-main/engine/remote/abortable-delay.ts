// Waits that an AbortSignal ends at once, so a cancelled run never sits out a backoff or a rate-limit slot.
import { MiaError } from '../../common/errors';

export function cancelledError(what: string): MiaError {
  return new MiaError('remote.cancelled', `${what} was cancelled.`);
}

/** Resolves after `ms`, or rejects with `remote.cancelled` as soon as `signal` aborts. */
export function abortableDelay(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelledError(what));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError(what));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
