// What New run is told about set-level inference (attacks.setInference): the roles it needs and its own parameters as
// JSON Schema from the engine's schema, with defaults, bounds and descriptions, and without the base attack fields
// that the form picks beside them.
import { describe, expect, it } from 'vitest';
import { describeSetInference } from '../../../src-main/services/ui-queries-attacks';
import { formFields, defaultValues } from '../../../src-renderer/composables/schema-form';

describe('attacks.setInference', () => {
  it("gives the test's own parameters with their defaults and bounds, and the roles it scores", () => {
    const description = describeSetInference();
    expect(description.id).toBe('set-inference');
    expect(description.roles).toEqual(['suspect', 'nonmember-reference']);
    const fields = formFields(description.paramsSchema);
    expect(fields.map((field) => field.name).sort()).toEqual(['alpha', 'powerDraws', 'powerSizes']);
    expect(defaultValues(fields)).toEqual({ alpha: 0.01, powerDraws: 200, powerSizes: [5, 10, 20, 50, 100, 200, 500, 1000] });
    const alpha = fields.find((field) => field.name === 'alpha')!;
    expect([alpha.exclusiveMinimum, alpha.exclusiveMaximum]).toEqual([0, 1]);
    expect(fields.every((field) => field.description !== null)).toBe(true);
  });
});
