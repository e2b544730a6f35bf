// The ETA a run shows, from the engine's call counting (call-progress.ts) through the service's rate
// (progress-rate.ts), on a simulated LiRA-like run with deterministic timestamps: the first pass over the records
// decodes images and runs at the rate measured on the demo (~3,300 calls/s), every later pass reads the decoded
// cache (~25,000 calls/s).
import { describe, expect, it } from 'vitest';
import { createCallProgress, firstPassPhase } from '../../../src-main/engine/jobs/call-progress';
import { ProgressRate } from '../../../src-main/host/progress-rate';

interface Shown {
  phase: string;
  at: number;
  done: number;
  total: number;
  eta: number | null;
}

function simulateRun(records: number, passes: number): { shown: Shown[]; firstPassEnd: number; end: number } {
  const rate = new ProgressRate();
  const shown: Shown[] = [];
  let now = 3000; // start-up: nothing reported yet
  const progress = createCallProgress(
    records * passes,
    (phase, done, total) => shown.push({ phase, at: now, done, total, eta: rate.update(phase, done, total, now).etaSeconds }),
    records,
  );
  let firstPassEnd = 0;
  for (let pass = 0; pass < passes; pass++) {
    const callsPerSecond = pass === 0 ? 3300 : 25_000;
    for (let start = 0; start < records; start += 256) {
      const chunk = Math.min(256, records - start);
      now += (chunk / callsPerSecond) * 1000;
      progress.add(chunk, pass === 0 ? 'target' : 'reference models');
    }
    if (pass === 0) firstPassEnd = now;
  }
  return { shown, firstPassEnd, end: now };
}

describe('run ETA', () => {
  it('gives the first pass its own total, and its ETA covers only that pass', () => {
    const { shown, firstPassEnd } = simulateRun(4000, 17);
    const firstPass = shown.filter((s) => s.phase === firstPassPhase);
    expect(firstPass.length).toBeGreaterThan(5);
    expect(firstPass.every((s) => s.total === 4000)).toBe(true);
    const firstEta = firstPass.find((s) => s.eta !== null)!;
    const actual = (firstPassEnd - firstEta.at) / 1000;
    // Before the fix the first ETA was the decode rate applied to all 68,000 calls: about 20 s for a 3.4 s run.
    expect(Math.abs(firstEta.eta! - actual) / actual).toBeLessThan(0.3);
  });

  it('holds the whole-run ETA within ±30 % once the first pass is done', () => {
    const { shown, end } = simulateRun(4000, 17);
    const later = shown.filter((s) => s.phase !== firstPassPhase && s.done < s.total);
    expect(later.every((s) => s.total === 68_000)).toBe(true);
    let checked = 0;
    for (const point of later) {
      const actual = (end - point.at) / 1000;
      if (actual < 0.5 || point.eta === null) continue;
      expect(Math.abs(point.eta - actual) / actual).toBeLessThan(0.3);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('keeps one phase for a run that is a single pass long', () => {
    const { shown } = simulateRun(4000, 1);
    expect(shown.every((s) => s.phase === 'target' && s.total === 4000)).toBe(true);
  });
});
