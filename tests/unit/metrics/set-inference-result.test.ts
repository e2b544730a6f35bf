// The set-inference result as a run stores it: computed from two score sets, written as metrics rows and read back
// unchanged, and printed in the `set_inference` shape of `mia audit --json`.
import { describe, expect, test } from 'vitest';
import { setInference } from '../../../src-main/engine/metrics/set-inference';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import { readSetInference, setInferenceHeadline, setInferenceRows } from '../../../src-shared/domain/set-inference';

function normals(random: SeededRandom, count: number, shift: number): Float64Array {
  return Float64Array.from({ length: count }, () => random.normal() + shift);
}

const random = new SeededRandom('set-inference-result');
const suspects = normals(random, 60, 0.8);
const references = normals(random, 80, 0);
const result = setInference({ suspects, references, random: new SeededRandom(1), alpha: 0.01, draws: 50, sizes: [5, 20, 50, 100] });

describe('set inference result', () => {
  test('detects shifted suspects, with both tests and a power curve up to the suspect count', () => {
    expect(result.pValue).toBeLessThan(1e-4);
    expect(result.method).toBe('normal');
    expect(result.commonLanguage).toBeGreaterThan(0.6);
    expect(result.rankBiserial).toBeCloseTo(2 * result.commonLanguage - 1, 12);
    expect(result.welch).toMatchObject({ appropriate: true });
    expect(result.welch!.pValue).toBeLessThan(1e-4);
    expect(result.power.map((p) => p.size)).toEqual([5, 20, 50]);
    expect(result).toMatchObject({ suspects: 60, references: 80, alpha: 0.01, powerDraws: 50 });
  });

  test('its metrics rows read back to the same result, and ordinary runs have none', () => {
    const rows = setInferenceRows(result);
    expect(rows.filter((r) => r.name === 'set_inference_power').map((r) => r.slice)).toEqual(['size:5', 'size:20', 'size:50']);
    expect(readSetInference([...rows].reverse())).toEqual(result);
    expect(readSetInference([{ name: 'auc', slice: '', value: 0.7, note: null }])).toBeNull();
    const single = setInference({ suspects: suspects.subarray(0, 1), references, random: new SeededRandom(2), alpha: 0.01, draws: 10 });
    expect(single.welch).toBeNull();
    expect(readSetInference(setInferenceRows(single))).toEqual(single);
  });

  test('the CLI shape names the p-value and effect size as the risk policy reads them', () => {
    const headline = setInferenceHeadline(result);
    expect(headline).toMatchObject({ p_value: result.pValue, effect_size: result.commonLanguage, suspects: 60, references: 80 });
    expect(headline.power[0]).toEqual({ size: 5, power: result.power[0]!.power, draws: 50 });
    expect(headline.welch).toMatchObject({
      p_value: result.welch!.pValue,
      cohens_d: result.welch!.cohensD,
      df: result.welch!.degreesOfFreedom,
    });
  });
});
