// What every engine job receives from its host: a way to report progress and log, and the signal that says the job
// was cancelled. Scores travel only in the job's result, once, when the run is complete.
export interface JobContext {
  readonly signal: AbortSignal;
  progress(phase: string, done: number, total: number, unit: string): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}
