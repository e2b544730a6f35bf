// Which records qmia's regressor learns from, and the seeded split that holds some of them out for the coverage and
// the conformal shift.
import type { SeededRandom } from '../../random/seeded-random';

/** Non-members of the audited distribution that the target did not train on, as the paper's "public data". */
export const trainingRole = 'population';

/** 1 for each of `count` records held out, round(count × fraction) of them (at least one), chosen by the seed. */
export function splitForRegressor(count: number, fraction: number, random: SeededRandom): Uint8Array {
  const heldOut = new Uint8Array(count);
  const held = Math.min(count - 1, Math.max(1, Math.round(count * fraction)));
  for (const index of random.sampleWithoutReplacement(count, held)) heldOut[index] = 1;
  return heldOut;
}
