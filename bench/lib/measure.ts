// Timing and memory helpers shared by the benches: a peak-RSS sampler, median and spread of repeated runs, and
// the load average to print next to every number (the machines are shared).
import os from 'node:os';

export interface PeakRss {
  /** Highest RSS seen so far, in bytes (sampled every 10 ms and on every call). */
  peak(): number;
  stop(): void;
}

export function samplePeakRss(intervalMs = 10): PeakRss {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  timer.unref();
  return {
    peak() {
      // maxRSS (KiB) also covers spikes between samples.
      peak = Math.max(peak, process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024);
      return peak;
    },
    stop: () => clearInterval(timer),
  };
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export const mib = (bytes: number): number => bytes / 2 ** 20;

export function loadAverage(): string {
  return os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
}

export async function timedSeconds<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, value };
}
