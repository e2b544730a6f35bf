// What a number input of a form holds, and the number it means: shared by the training form and its Slurm part so
// "blank" and "not a number" are told apart the same way in both.

/** A number input's value: Vue gives a number, or the text when the field is blank or not a number. */
export type NumberInput = number | string;

/** The number a number input holds: blank is "not given" (undefined); text that is not a number stays NaN. */
export function numberFrom(input: NumberInput): number | undefined {
  if (typeof input === 'number') return input;
  return input.trim() === '' ? undefined : Number(input);
}
