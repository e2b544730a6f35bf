// Turns a stream of (done, total) progress points into a rate and an ETA. Until 5 % of the work is done the rate is
// measured over a sliding window; after that, over everything done since the 5 % mark, so warm-up (model loading,
// first decodes) is left out and the estimate settles instead of following every burst of messages.
export interface RateEstimate {
  ratePerSecond: number | null;
  etaSeconds: number | null;
}

const settledShare = 0.05;

export class ProgressRate {
  private readonly points: { at: number; done: number }[] = [];
  private phase = '';
  private settledFrom: { at: number; done: number } | null = null;

  constructor(private readonly windowMs = 15_000) {}

  update(phase: string, done: number, total: number, nowMs: number): RateEstimate {
    if (phase !== this.phase || (this.points.length > 0 && done < this.points[this.points.length - 1]!.done)) {
      this.phase = phase;
      this.points.length = 0;
      this.settledFrom = null;
    }
    this.points.push({ at: nowMs, done });
    while (this.points.length > 2 && nowMs - this.points[0]!.at > this.windowMs) this.points.shift();
    if (this.settledFrom === null && total > 0 && done >= total * settledShare) this.settledFrom = { at: nowMs, done };
    const from = this.settledFrom && this.settledFrom.at < nowMs ? this.settledFrom : this.points[0]!;
    const elapsedSeconds = (nowMs - from.at) / 1000;
    const advanced = done - from.done;
    if (elapsedSeconds <= 0 || advanced <= 0) return { ratePerSecond: null, etaSeconds: null };
    const ratePerSecond = advanced / elapsedSeconds;
    return { ratePerSecond, etaSeconds: Math.max(0, (total - done) / ratePerSecond) };
  }
}
