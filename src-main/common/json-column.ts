// Reads and writes the JSON text columns of the workspace, parsing with a schema on the way out.
import type { z } from 'zod';
import { parseWith } from './parse';

export function toJsonColumn(value: unknown): string {
  return JSON.stringify(value);
}

/** A NOT NULL column gives a value; a nullable column gives null for SQL NULL. */
export function fromJsonColumn<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S>;
export function fromJsonColumn<S extends z.ZodType>(schema: S, text: string | null, what: string): z.output<S> | null;
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
