// How a set-level result reads wherever it is shown: p-values that keep their digits however small, the decision at
// the 1 % level in words, the power curve's chart option, and New run's reason for a dataset that cannot be tested.
import { describe, expect, it } from 'vitest';
import { paperPalette } from '../../../src-shared/charts/chart-option';
import { powerCurveOption } from '../../../src-shared/charts/power-curve-option';
import type { StoredSetInference } from '../../../src-shared/domain/set-inference';
import {
  formatPValue,
  setInferenceCompareRows,
  setInferenceDecision,
  setInferenceDetected,
  welchText,
} from '../../../src-shared/presentation/set-inference-text';
import { missingRolesReason, setInferenceRequestParams } from '../../../src-renderer/composables/set-inference-choice';

const result: StoredSetInference = {
  pValue: 0.0042,
  method: 'normal',
  u: 2000,
  commonLanguage: 0.71,
  rankBiserial: 0.42,
  suspects: 30,
  references: 100,
  welch: { t: 2.9, degreesOfFreedom: 40, pValue: 0.003, cohensD: 0.6, appropriate: false },
  alpha: 0.01,
  powerDraws: 200,
  power: [
    { size: 5, power: 0.1 },
    { size: 20, power: 0.7 },
  ],
};

describe('set-level inference text', () => {
  it('writes p-values with two significant digits, in exponent form below 1e-4', () => {
    expect(formatPValue(0.0042)).toBe('0.0042');
    expect(formatPValue(0.41234)).toBe('0.41');
    expect(formatPValue(8.7e-13)).toBe('8.7e-13');
    expect(formatPValue(0)).toBe('0');
    expect(formatPValue(null)).toBe('n/a');
  });

  it('calls a set detected below p = 0.01 only', () => {
    expect(setInferenceDetected(0.0099)).toBe(true);
    expect(setInferenceDetected(0.01)).toBe(false);
    expect(setInferenceDecision(result)).toBe(
      'The suspect set is scored as members more than the reference set: p = 0.0042 (one-sided Mann–Whitney U).',
    );
    expect(setInferenceDecision({ ...result, pValue: 0.2 })).toBe(
      'No evidence at the 1 % level that the suspect set is scored as members more than the reference set (p = 0.2).',
    );
  });

  it("says when Welch's t is not to be read", () => {
    expect(welchText(result)).toContain('groups too small for the t approximation');
    expect(welchText({ ...result, welch: null })).toBe('n/a (fewer than two records in a group)');
  });

  it("gives Compare the test's rows", () => {
    expect(setInferenceCompareRows.map((row) => row.cell(result))).toEqual([
      '0.0042',
      '0.003',
      '0.710',
      '30 / 100',
      'suspects scored as members',
    ]);
  });

  it('draws the power curve over the set sizes with the 80 % guide', () => {
    const option = powerCurveOption(result, paperPalette);
    const series = option.series as { data: number[]; markLine: { data: { yAxis: number }[] } }[];
    expect(option.xAxis).toMatchObject({ type: 'category', data: ['5', '20'] });
    expect(option.yAxis).toMatchObject({ min: 0, max: 1, name: 'detected at p < 0.01' });
    expect(series[0]!.data).toEqual([0.1, 0.7]);
    expect(series[0]!.markLine.data).toEqual([{ yAxis: 0.8 }]);
  });
});

describe("New run's set-level choice", () => {
  const roles = ['suspect', 'nonmember-reference'];

  it('names the roles a dataset lacks, and accepts one with both', () => {
    expect(missingRolesReason(roles, { audit: 512 })).toBe(
      'This dataset has no records with role "suspect" (the suspect collection) and "nonmember-reference" (non-members from the same distribution); import a manifest that gives both roles.',
    );
    expect(missingRolesReason(roles, { suspect: 30, 'nonmember-reference': 0 })).toContain('"nonmember-reference"');
    expect(missingRolesReason(roles, { suspect: 30, 'nonmember-reference': 100 })).toBeNull();
  });

  it('sends the base attack with its parameters beside the test parameters', () => {
    expect(setInferenceRequestParams({ enabled: true, base: 'pia', baseParams: { t: 100 }, params: { alpha: 0.05 } })).toEqual({
      alpha: 0.05,
      base: 'pia',
      baseParams: { t: 100 },
    });
  });
});
