// Turns an attack's parameter JSON Schema (generated from its zod schema) into form fields, and checks a
// field's value with the schema's own bounds so the form can say what is wrong before anything is sent.
// Plain TypeScript: no Vue, no DOM.

export type FieldKind = 'enum' | 'boolean' | 'integer' | 'number' | 'string' | 'number-list' | 'unsupported';

export interface FormField {
  readonly name: string;
  readonly kind: FieldKind;
  /** What the form sends when the auditor leaves the field alone. */
  readonly defaultValue: unknown;
  readonly description: string | null;
  readonly options: readonly string[];
  readonly minimum: number | null;
  readonly maximum: number | null;
  readonly exclusiveMinimum: number | null;
  readonly exclusiveMaximum: number | null;
  /** For number lists: bounds on the number of entries, and whether entries are whole numbers. */
  readonly minItems: number | null;
  readonly maxItems: number | null;
  readonly integerItems: boolean;
}

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);
const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
/** zod writes Number.MAX_SAFE_INTEGER as the bound of an unbounded integer; that is no bound for a person. */
const bound = (value: unknown): number | null => {
  const n = numberOrNull(value);
  return n === null || Math.abs(n) >= Number.MAX_SAFE_INTEGER ? null : n;
};

function kindOf(schema: Schema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) return 'enum';
  switch (schema.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'array': {
      const items = isSchema(schema.items) ? schema.items : {};
      return items.type === 'integer' || items.type === 'number' ? 'number-list' : 'unsupported';
    }
    default:
      return 'unsupported';
  }
}

export function formFields(schema: Schema): FormField[] {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  return Object.entries(properties).map(([name, raw]) => {
    const field = isSchema(raw) ? raw : {};
    const items = isSchema(field.items) ? field.items : {};
    return {
      name,
      kind: kindOf(field),
      defaultValue: field.default,
      description: typeof field.description === 'string' ? field.description : null,
      options: Array.isArray(field.enum) ? field.enum.map(String) : [],
      minimum: bound(field.minimum ?? items.minimum),
      maximum: bound(field.maximum ?? items.maximum),
      exclusiveMinimum: bound(field.exclusiveMinimum ?? items.exclusiveMinimum),
      exclusiveMaximum: bound(field.exclusiveMaximum ?? items.exclusiveMaximum),
      minItems: numberOrNull(field.minItems),
      maxItems: numberOrNull(field.maxItems),
      integerItems: items.type === 'integer',
    };
  });
}

/**
 * Starting values of a form: a copy of every field's default, so editing the form never edits the schema. The
 * defaults came over the wire as JSON, so a JSON round trip copies them whole; structuredClone would refuse them
 * when the schema sits in a Vue store, whose arrays are reactive proxies (a DataCloneError that left WSA's form empty).
 */
export function defaultValues(fields: readonly FormField[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.filter((f) => f.defaultValue !== undefined).map((f) => [f.name, JSON.parse(JSON.stringify(f.defaultValue)) as unknown]),
  );
}

function checkNumber(field: FormField, value: number, integer: boolean): string | null {
  if (!Number.isFinite(value)) return 'Enter a number.';
  if (integer && !Number.isInteger(value)) return 'Enter a whole number.';
  if (field.minimum !== null && value < field.minimum) return `Must be at least ${field.minimum}.`;
  if (field.maximum !== null && value > field.maximum) return `Must be at most ${field.maximum}.`;
  if (field.exclusiveMinimum !== null && value <= field.exclusiveMinimum) return `Must be greater than ${field.exclusiveMinimum}.`;
  if (field.exclusiveMaximum !== null && value >= field.exclusiveMaximum) return `Must be less than ${field.exclusiveMaximum}.`;
  return null;
}

/** A message for a person, or null when the value fits the schema. */
export function validateField(field: FormField, value: unknown): string | null {
  switch (field.kind) {
    case 'integer':
    case 'number':
      if (typeof value !== 'number') return 'Enter a number.';
      return checkNumber(field, value, field.kind === 'integer');
    case 'enum':
      return typeof value === 'string' && field.options.includes(value) ? null : `Choose one of ${field.options.join(', ')}.`;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'Tick or untick the box.';
    case 'number-list': {
      if (!Array.isArray(value)) return 'Enter numbers separated by commas.';
      if (field.minItems !== null && value.length < field.minItems)
        return `Enter at least ${field.minItems} number${field.minItems === 1 ? '' : 's'}.`;
      if (field.maxItems !== null && value.length > field.maxItems) return `Enter at most ${field.maxItems} numbers.`;
      for (const entry of value) {
        const problem = typeof entry === 'number' ? checkNumber(field, entry, field.integerItems) : 'Enter numbers separated by commas.';
        if (problem) return problem;
      }
      return null;
    }
    default:
      return null;
  }
}

/** "256, 128" → [256, 128]; anything that is not a number stays NaN so validation names it. */
export function parseNumberList(text: string): number[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(Number);
}
