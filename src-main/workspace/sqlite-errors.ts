// Turns the storage errors SQLite and the file system raise (disk full, database locked, read-only, corrupt) into
// MiaErrors with a stable code and a message a person can act on. Without this they reach the UI as
// "Unexpected error: database or disk is full" with the code `internal`.
import { MiaError } from '../common/errors';

interface CodedError {
  code?: unknown;
  message?: unknown;
}

/** The storage failures the workbench names; anything else passes through unchanged. */
const byCode: Record<string, { code: string; message: (where: string) => string }> = {
  SQLITE_FULL: {
    code: 'workspace.disk-full',
    message: (where) =>
      `The disk holding ${where} is full (or the workspace reached its size limit), so nothing was saved: the change was rolled back and the workspace is intact. Free some disk space and try again.`,
  },
  ENOSPC: {
    code: 'workspace.disk-full',
    message: (where) => `The disk holding ${where} is full, so it could not be written. Free some disk space and try again.`,
  },
  EDQUOT: {
    code: 'workspace.disk-full',
    message: (where) => `Your disk quota for ${where} is used up, so it could not be written. Free some space and try again.`,
  },
  SQLITE_BUSY: {
    code: 'workspace.busy',
    message: (where) =>
      `${capitalised(where)} is locked by another program (or another window of the workbench) that is writing to it. Try again in a moment.`,
  },
  SQLITE_READONLY: {
    code: 'workspace.read-only',
    message: (where) =>
      `${capitalised(where)} cannot be written: the file or its folder is read-only. Check its permissions, or open a copy.`,
  },
  SQLITE_CORRUPT: {
    code: 'workspace.corrupt',
    message: (where) =>
      `${capitalised(where)} is damaged (SQLite reports a corrupt database). Restore it from a backup (mia backup restore) or a copy.`,
  },
  SQLITE_NOTADB: {
    code: 'workspace.corrupt',
    message: (where) => `${capitalised(where)} is not a workbench workspace (not an SQLite database, or it is encrypted or damaged).`,
  },
};

/**
 * The MiaError for a storage failure, or `error` itself when it is not one (MiaErrors and everything else pass
 * through). Extended result codes (SQLITE_IOERR_NOSPC, SQLITE_BUSY_SNAPSHOT, SQLITE_CORRUPT_INDEX …) map like their
 * primary code. `where` names the file for the message, e.g. "the workspace /home/a/workspace.sqlite".
 */
export function workspaceErrorFrom(error: unknown, where = 'the workspace'): unknown {
  if (error instanceof MiaError || typeof error !== 'object' || error === null) return error;
  const raw = (error as CodedError).code;
  if (typeof raw !== 'string') return error;
  const code =
    raw === 'SQLITE_IOERR_NOSPC'
      ? 'SQLITE_FULL'
      : (Object.keys(byCode).find((known) => raw === known || raw.startsWith(`${known}_`)) ?? null);
  if (code === null) return error;
  const mapped = byCode[code]!;
  const cause = typeof (error as CodedError).message === 'string' ? ((error as CodedError).message as string) : raw;
  return new MiaError(mapped.code, mapped.message(where), { cause, sqliteCode: raw });
}

/** Runs `work`, rethrowing storage failures as MiaErrors (see workspaceErrorFrom). */
export function withWorkspaceErrors<T>(work: () => T, where?: string): T {
  try {
    return work();
  } catch (error) {
    throw workspaceErrorFrom(error, where);
  }
}

/** The async form of withWorkspaceErrors. */
export async function withWorkspaceErrorsAsync<T>(work: () => Promise<T>, where?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw workspaceErrorFrom(error, where);
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
