// Checks a form's request against the contract's own zod schema before it is sent, and turns the schema's issues
// into one message per form field (keyed by the field's path, `seed` or `recipe.epochs`), so the limits a form
// enforces are the ones the backend enforces and no bound is written twice. Plain TypeScript: no Vue, no DOM.
import { z } from 'zod';
import { formFields } from './schema-form';

/** A message for a person per field path; a field that fits has no entry. */
export type FieldMessages = Readonly<Record<string, string>>;

export interface ContractCheck<T> {
  /** The request as the contract parses it (defaults filled in), or null when any field does not fit. */
  readonly value: T | null;
  readonly messages: FieldMessages;
}

const pathKey = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/**
 * zod's own wording ("Too big: expected number to be <=2147483647") is written for programmers; a form says what to
 * enter. Returning undefined keeps zod's message, and a message the contract's schema sets itself (the folder name's
 * rule, say) always wins over this one.
 */
function messageForPerson(issue: z.core.$ZodRawIssue): string | undefined {
  const origin = 'origin' in issue ? issue.origin : undefined;
  const isNumber = origin === 'number' || origin === 'int';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return 'Enter a whole number.';
      if (issue.expected === 'number') return 'Enter a number.';
      return undefined;
    case 'too_small':
      if (isNumber) return issue.inclusive ? `Must be at least ${issue.minimum}.` : `Must be greater than ${issue.minimum}.`;
      if (origin === 'string') return Number(issue.minimum) <= 1 ? 'Must not be empty.' : `Must be at least ${issue.minimum} characters.`;
      return undefined;
    case 'too_big':
      if (isNumber) return issue.inclusive ? `Must be at most ${issue.maximum}.` : `Must be less than ${issue.maximum}.`;
      if (origin === 'string') return `Must be at most ${issue.maximum} characters.`;
      return undefined;
    default:
      return undefined;
  }
}

/** "must not contain .." → "Must not contain ..": the contract's own messages are written to follow a field's name. */
const asSentence = (message: string): string => {
  const capital = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/**
 * An integer beyond 2^53 also breaks zod's safe-integer rule, whose bound means nothing to the auditor; the contract's
 * own limit on the same field is the one to show, so that issue goes last.
 */
const isSafeIntegerNote = (issue: z.core.$ZodIssue): boolean =>
  'origin' in issue && issue.origin === 'int' && (issue.code === 'too_big' || issue.code === 'too_small');

export function checkAgainstContract<S extends z.ZodType>(schema: S, request: unknown): ContractCheck<z.output<S>> {
  const parsed = schema.safeParse(request, { error: messageForPerson });
  if (parsed.success) return { value: parsed.data, messages: {} };
  const ordered = [...parsed.error.issues].sort((a, b) => Number(isSafeIntegerNote(a)) - Number(isSafeIntegerNote(b)));
  const messages: Record<string, string> = {};
  for (const issue of ordered) {
    const key = pathKey(issue.path);
    messages[key] ??= asSentence(issue.message);
  }
  return { value: null, messages };
}

/** The `min`/`max` attributes of a number input, from the contract's bounds on that field. */
export interface InputLimits {
  readonly min?: number;
  readonly max?: number;
}

/**
 * The input limits of every number field of an object schema, read from its JSON Schema with the same reader the
 * attack parameter forms use, so a spinner stops where the contract does.
 */
export function contractInputLimits(schema: z.ZodObject): Readonly<Record<string, InputLimits>> {
  const fields = formFields(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
  return Object.fromEntries(
    fields.map((field) => {
      const min = field.minimum ?? field.exclusiveMinimum;
      const max = field.maximum ?? field.exclusiveMaximum;
      return [field.name, { ...(min !== null ? { min } : {}), ...(max !== null ? { max } : {}) }];
    }),
  );
}
