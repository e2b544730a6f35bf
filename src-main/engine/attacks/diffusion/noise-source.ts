// Where the attacks' Gaussian noise comes from. Runs draw it from the seeded generator, one stream per record
// (forked by the record's key), so a record's noise — and its score — does not depend on batch sizes or on which
// other records are in the run. Tests inject the noise a reference implementation used instead.
import type { Sample } from '../../diffusion/ddim';
import type { SeededRandom } from '../../random/seeded-random';
import type { RunRecord } from '../run-record';

/**
 * Standard normal noise for item `item` of the batch being scored: `values` numbers, repeat-major
 * (all of repeat 0's sample, then repeat 1's, …).
 */
export type NoiseSource = (item: number, values: number) => Sample;

/** Seeded noise for `records` (the batch, in order): record i gets the stream `random.fork("record:<key>")`. */
export function seededNoise(random: SeededRandom, records: readonly RunRecord[]): NoiseSource {
  return (item, values) => {
    const record = records[item];
    if (!record) throw new RangeError(`No record at batch position ${item}.`);
    return random.fork(`record:${record.key}`).fillNormal(new Float64Array(values));
  };
}

/** Noise laid out [items, repeats, …sample] in one array (a reference implementation's tensor). */
export function suppliedNoise(values: Sample): NoiseSource {
  return (item, count) => {
    if ((item + 1) * count > values.length)
      throw new RangeError(`The supplied noise holds ${values.length} values; item ${item} needs ${count} more.`);
    return values.subarray(item * count, (item + 1) * count);
  };
}
