// What every engine job receives from its host: a way to report progress, log, stream partial scores,
// and the signal that says the job was cancelled.
export interface JobContext {
  readonly signal: AbortSignal;
  progress(phase: string, done: number, total: number, unit: string): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  partial(recordIds: Int32Array<ArrayBuffer>, scores: Float64Array<ArrayBuffer>): void;
}
