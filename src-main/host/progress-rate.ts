// Turns a stream of (done, total) progress points into a rate and an ETA. The rate is measured over a sliding
// window so that a slow first batch (model loading, warm-up) does not distort the estimate for long.
export interface RateEstimate {
  ratePerSecond: number | null;
  etaSeconds: number | null;
}

export class ProgressRate {
  private readonly points: { at: number; done: number }[] = [];
  private phase = '';

  constructor(private readonly windowMs = 15_000) {}

  update(phase: string, done: number, total: number, nowMs: number): RateEstimate {
    if (phase !== this.phase || (this.points.length > 0 && done < this.points[this.points.length - 1]!.done)) {
      this.phase = phase;
      this.points.length = 0;
    }
    this.points.push({ at: nowMs, done });
    while (this.points.length > 2 && nowMs - this.points[0]!.at > this.windowMs) this.points.shift();
    const first = this.points[0]!;
    const elapsedSeconds = (nowMs - first.at) / 1000;
    const advanced = done - first.done;
    if (elapsedSeconds <= 0 || advanced <= 0) return { ratePerSecond: null, etaSeconds: null };
    const ratePerSecond = advanced / elapsedSeconds;
    return { ratePerSecond, etaSeconds: Math.max(0, (total - done) / ratePerSecond) };
  }
}
