import { describe, expect, it } from 'vitest';
import { ProgressRate } from '../../../src-main/host/progress-rate';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';

describe('progress rate and ETA', () => {
  it('holds the ETA within ±30 % after the first 5 % despite a slow start and bursty messages', () => {
    const random = new SeededRandom(4);
    const total = 10_000;
    const rate = new ProgressRate();
    // 3 s of warm-up with nothing done, then ~500 calls/s delivered in uneven bursts with jittery timing.
    let now = 3000;
    let done = 0;
    const points: { done: number; at: number; eta: number | null }[] = [];
    while (done < total) {
      const chunk = 20 + random.nextInt(120);
      done = Math.min(total, done + chunk);
      now += (chunk / 500) * 1000 * (0.7 + 0.6 * random.next());
      points.push({ done, at: now, eta: rate.update('calls', done, total, now).etaSeconds });
    }
    const end = now;
    for (const point of points) {
      if (point.done < total * 0.05 || point.done === total) continue;
      const actual = (end - point.at) / 1000;
      if (actual < 1) continue; // the last second: any estimate is a fraction of a second off
      expect(point.eta).not.toBeNull();
      expect(Math.abs(point.eta! - actual) / actual).toBeLessThan(0.3);
    }
  });

  it('starts over when the phase changes', () => {
    const rate = new ProgressRate();
    rate.update('a', 50, 100, 1000);
    rate.update('a', 100, 100, 2000);
    expect(rate.update('b', 1, 10, 2500)).toEqual({ ratePerSecond: null, etaSeconds: null });
  });
});
