// Parses a value that crossed a boundary (IPC, file, child process) with its zod schema, or throws a MiaError
// whose message names every field that did not fit.
import type { z } from 'zod';
import { MiaError } from './errors';

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string, code: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new MiaError(code, `${what} is not valid: ${describeIssues(parsed.error.issues)}`, {
    issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  });
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(the value)'}: ${issue.message}`)
    .join('; ');
  return issues.length > 5 ? `${shown}; and ${issues.length - 5} more` : shown;
}
