// Keeps one target's traffic within its concurrency and requests-per-second limits, shared by every call made
// through the same transport. Waiting callers are served in arrival order and leave the queue when cancelled.
import { abortableDelay, cancelledError } from './abortable-delay';

export interface TrafficLimits {
  readonly concurrency: number;
  readonly requestsPerSecond: number;
}

export class TrafficLimiter {
  private active = 0;
  private readonly waiting: { grant: () => void }[] = [];
  /** The earliest time the next request may start; each start moves it 1/rps seconds on. */
  private nextStart = 0;

  constructor(
    private readonly limits: TrafficLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `work` once a concurrency slot and a start time are free; the slot is held until `work` settles. */
  async run<T>(work: () => Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
    await this.acquireSlot(signal, what);
    try {
      await this.waitForStartTime(signal, what);
      return await work();
    } finally {
      this.release();
    }
  }

  private acquireSlot(signal: AbortSignal | undefined, what: string): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelledError(what));
    if (this.active < this.limits.concurrency) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(cancelledError(what));
      };
      this.waiting.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) next.grant();
    else this.active -= 1;
  }

  private async waitForStartTime(signal: AbortSignal | undefined, what: string): Promise<void> {
    const now = this.now();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + 1000 / this.limits.requestsPerSecond;
    await abortableDelay(start - now, signal, what);
  }
}
