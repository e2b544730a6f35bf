// Progress of a run counted in model calls: every adapter adds the images it pushed through a model, and the
// total is the attack's own estimate, so the rate and ETA cover the whole run rather than one phase of it.
// The first pass over the records also decodes them (later passes read the decoded cache, record-images.ts), so
// it runs several times slower than the rest: on the demo LiRA it ran at ~3,300 calls/s against ~25,000 after, and
// an ETA from it was 7× too long. That pass is reported as its own phase with its own total, so its ETA covers only
// it, and the whole run's ETA is measured once the cache is warm.
export interface CallProgress {
  add(calls: number, phase: string): void;
  readonly calls: number;
}

export const firstPassPhase = 'first pass (decoding images)';

export function createCallProgress(
  total: number,
  report: (phase: string, done: number, total: number, unit: string) => void,
  firstPassCalls = 0,
): CallProgress {
  let calls = 0;
  let expected = Math.max(1, total);
  // A run that is one pass long has no faster part to wait for: its own rate is the run's rate.
  const warmUp = firstPassCalls > 0 && firstPassCalls < expected ? firstPassCalls : 0;
  return {
    add(count, phase) {
      calls += count;
      // An estimate can fall short (for example when a manifest holds more records than planned); never report
      // more done than total.
      if (calls > expected) expected = calls;
      if (calls < warmUp) report(firstPassPhase, calls, warmUp, 'model calls');
      else report(phase, calls, expected, 'model calls');
    },
    get calls() {
      return calls;
    },
  };
}
