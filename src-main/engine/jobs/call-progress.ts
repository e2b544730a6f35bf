// Progress of a run counted in model calls: every adapter adds the images it pushed through a model, and the
// total is the attack's own estimate, so the rate and ETA cover the whole run rather than one phase of it.
export interface CallProgress {
  add(calls: number, phase: string): void;
  readonly calls: number;
}

export function createCallProgress(
  total: number,
  report: (phase: string, done: number, total: number, unit: string) => void,
): CallProgress {
  let calls = 0;
  let expected = Math.max(1, total);
  return {
    add(count, phase) {
      calls += count;
      // An estimate can fall short (for example when a manifest holds more records than planned); never report
      // more done than total.
      if (calls > expected) expected = calls;
      report(phase, calls, expected, 'model calls');
    },
    get calls() {
      return calls;
    },
  };
}
