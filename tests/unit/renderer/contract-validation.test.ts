// The forms' check against the contract: a request is parsed with the contract's own schema, each field that does not
// fit gets one message a person can act on, the contract's own messages win, and a valid request comes back parsed.
// The limits in the expectations are written out here, not read from the schemas, so a changed limit fails a test.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunStartRequest, SplitPlanRequest } from '../../../src-shared/contract/contract';
import { checkAgainstContract, contractInputLimits } from '../../../src-renderer/composables/contract-validation';

const run = (changes: Record<string, unknown>) => ({ attack: 'loss', targetModelId: 1, datasetId: 2, seed: 0, params: {}, ...changes });

describe('contract validation', () => {
  it('gives a valid request back as the contract parses it, with no messages', () => {
    const { value, messages } = checkAgainstContract(RunStartRequest, { attack: 'loss', targetModelId: 1, datasetId: 2 });
    expect(messages).toEqual({});
    expect(value).toEqual({ attack: 'loss', targetModelId: 1, datasetId: 2, seed: 0, params: {} });
  });

  it("names a seed outside the contract's range by its field, in words for a person", () => {
    expect(checkAgainstContract(RunStartRequest, run({ seed: 2 ** 31 }))).toEqual({
      value: null,
      messages: { seed: 'Must be at most 2147483647.' },
    });
    expect(checkAgainstContract(RunStartRequest, run({ seed: -1 })).messages).toEqual({ seed: 'Must be at least 0.' });
    expect(checkAgainstContract(RunStartRequest, run({ seed: 1.5 })).messages).toEqual({ seed: 'Enter a whole number.' });
    // A blank number input gives Vue's '' and a text one NaN: both ask for a number.
    expect(checkAgainstContract(RunStartRequest, run({ seed: '' })).messages).toEqual({ seed: 'Enter a number.' });
    expect(checkAgainstContract(RunStartRequest, run({ seed: Number.NaN })).messages).toEqual({ seed: 'Enter a number.' });
    // Past 2^53 zod also reports its safe-integer range; the contract's own bound is the one shown.
    expect(checkAgainstContract(RunStartRequest, run({ seed: 2 ** 60 })).messages).toEqual({ seed: 'Must be at most 2147483647.' });
    expect(checkAgainstContract(RunStartRequest, run({ seed: 2 ** 31 - 1 })).value).toMatchObject({ seed: 2147483647 });
  });

  it('keys nested fields by their path and reports every field that does not fit', () => {
    const schema = z.strictObject({
      recipe: z.strictObject({ rate: z.number().positive().max(10) }),
      name: z.string().trim().min(1).max(3),
    });
    expect(checkAgainstContract(schema, { recipe: { rate: 0 }, name: 'long' }).messages).toEqual({
      'recipe.rate': 'Must be greater than 0.',
      name: 'Must be at most 3 characters.',
    });
    expect(checkAgainstContract(schema, { recipe: { rate: 10.5 }, name: '  ' }).messages).toEqual({
      'recipe.rate': 'Must be at most 10.',
      name: 'Must not be empty.',
    });
  });

  it("keeps a message the contract's schema sets itself, as a sentence", () => {
    const { messages } = checkAgainstContract(SplitPlanRequest, { purpose: 'shadow', datasetId: 1, targetModelId: 2, folderName: '../x' });
    expect(messages).toEqual({ folderName: 'Must be a single name of letters, digits, spaces, dots, dashes and underscores, not a path.' });
    expect(
      checkAgainstContract(SplitPlanRequest, { purpose: 'shadow', datasetId: 1, targetModelId: 2, folderName: 'a..b' }).messages,
    ).toEqual({ folderName: 'Must not contain "..".' });
  });

  it("reads the number inputs' limits from the contract, leaving out a bound the contract does not set", () => {
    const limits = contractInputLimits(RunStartRequest);
    expect(limits.seed).toEqual({ min: 0, max: 2147483647 });
    expect(contractInputLimits(SplitPlanRequest).trainSize).toEqual({ min: 1 });
  });
});
