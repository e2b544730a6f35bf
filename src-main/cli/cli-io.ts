// The streams a CLI command writes to (tests pass their own).
export interface CliIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}
