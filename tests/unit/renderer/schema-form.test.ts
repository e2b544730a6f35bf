// The New run form's fields come from each attack's parameter schema; these tests feed real zod schemas through
// z.toJSONSchema (as attacks.list does) and check the fields and the messages a person sees.
import { describe, expect, it } from 'vitest';
import { reactive } from 'vue';
import { z } from 'zod';
import { defaultValues, formFields, parseNumberList, validateField } from '../../../src-renderer/composables/schema-form';

const schema = z.toJSONSchema(
  z.strictObject({
    variant: z.enum(['online', 'offline']).default('online').describe('Which test.'),
    flip: z.boolean().default(false),
    count: z.number().int().min(1).default(8),
    rate: z.number().gt(0).max(1).default(0.001),
    layers: z.array(z.number().int().min(1).max(2048)).min(1).max(4).default([256, 128]),
  }),
  { io: 'input' },
) as Record<string, unknown>;

describe('schema form', () => {
  const fields = formFields(schema);
  const field = (name: string) => fields.find((f) => f.name === name)!;

  it('turns enums into selects, booleans into checkboxes, numbers with their bounds, arrays into number lists', () => {
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['variant', 'enum'],
      ['flip', 'boolean'],
      ['count', 'integer'],
      ['rate', 'number'],
      ['layers', 'number-list'],
    ]);
    expect(field('variant').options).toEqual(['online', 'offline']);
    expect(field('variant').description).toBe('Which test.');
    expect(field('count').minimum).toBe(1);
    expect(field('count').maximum).toBeNull(); // zod's MAX_SAFE_INTEGER is no bound for a person
    expect(field('rate').exclusiveMinimum).toBe(0);
    expect(field('layers')).toMatchObject({ minItems: 1, maxItems: 4, integerItems: true, maximum: 2048 });
  });

  it('starts from the schema defaults', () => {
    expect(defaultValues(fields)).toEqual({ variant: 'online', flip: false, count: 8, rate: 0.001, layers: [256, 128] });
  });

  it('copies list defaults out of a schema held in a Vue store, whose arrays are reactive proxies', () => {
    // The attacks store keeps each attack's schema in reactive state; WSA's hiddenLayers default [256, 128] is then a
    // proxy, which structuredClone refuses with a DataCloneError.
    const stored = reactive({ schema });
    const values = defaultValues(formFields(stored.schema));
    expect(values.layers).toEqual([256, 128]);
    expect(() => structuredClone(values)).not.toThrow();
    (values.layers as number[]).push(64);
    expect(formFields(stored.schema).find((f) => f.name === 'layers')!.defaultValue).toEqual([256, 128]);
  });

  it('says what is wrong with a value outside the schema and accepts one inside', () => {
    expect(validateField(field('count'), 0)).toBe('Must be at least 1.');
    expect(validateField(field('count'), 2.5)).toBe('Enter a whole number.');
    expect(validateField(field('count'), Number.NaN)).toBe('Enter a number.');
    expect(validateField(field('rate'), 0)).toBe('Must be greater than 0.');
    expect(validateField(field('rate'), 2)).toBe('Must be at most 1.');
    expect(validateField(field('variant'), 'sideways')).toBe('Choose one of online, offline.');
    expect(validateField(field('layers'), parseNumberList('256, 0'))).toBe('Must be at least 1.');
    expect(validateField(field('layers'), parseNumberList('1,2,3,4,5'))).toBe('Enter at most 4 numbers.');
    expect(validateField(field('layers'), parseNumberList('64, x'))).toBe('Enter a number.');
    for (const [name, value] of Object.entries(defaultValues(fields))) expect(validateField(field(name), value)).toBeNull();
  });
});
