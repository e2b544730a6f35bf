// Reads and writes the JSON text columns of the workspace, parsing with a schema on the way out.
import type { z } from 'zod';
import { parseWith } from './parse';

export function toJsonColumn(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJsonColumn<S extends z.ZodType>(schema: S, text: string | null, what: string): z.output<S> | null {
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return parseWith(schema, undefined, what, 'workspace.corrupt-column');
  }
  return parseWith(schema, raw, what, 'workspace.corrupt-column');
}
