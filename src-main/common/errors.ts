// The one error type of the workbench: a stable code for programs and tests, a message for a person.
export type MiaErrorDetails = Record<string, unknown>;

export class MiaError extends Error {
  readonly code: string;
  readonly details: MiaErrorDetails | undefined;

  constructor(code: string, message: string, details?: MiaErrorDetails) {
    super(message);
    this.name = 'MiaError';
    this.code = code;
    this.details = details;
  }
}

/** Turns anything thrown into the `{ code, message }` shape that crosses process boundaries. */
export function toErrorPayload(error: unknown): { code: string; message: string; details?: MiaErrorDetails } {
  if (error instanceof MiaError) {
    return error.details
      ? { code: error.code, message: error.message, details: error.details }
      : { code: error.code, message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `Unexpected error: ${message}` };
}

export function isMiaError(error: unknown, code?: string): error is MiaError {
  return error instanceof MiaError && (code === undefined || error.code === code);
}
