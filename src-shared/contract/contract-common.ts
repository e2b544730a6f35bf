// The contract's shared pieces: the domain types (ids, record roles, model kinds, run and training states, the
// summaries several channels return) re-exported for the front ends, and the empty request. contract.ts re-exports
// everything here.
import { z } from 'zod';

export * from '../domain/ids';
export * from '../domain/models';
export * from '../domain/records';
export * from '../domain/runs';
export * from '../domain/training';

export const NoRequest = z.strictObject({}).optional();

/** The seed a run or a training plan starts from: 0 unless given, at most 2^31 − 1 (one limit for both requests). */
export const Seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1)
  .default(0);

/** One line of text, no control characters (a name or tag is shown in tables, file names and PDF headings). */
export const OneLine = z.string().regex(/^[^\p{Cc}]*$/u, 'must be one line without control characters');
