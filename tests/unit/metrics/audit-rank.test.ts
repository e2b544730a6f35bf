// The one ranking rule: 1 + the number of audited records scoring strictly higher; ties share the best rank and
// calibration records get no rank and never push an audited record down. Expectations are written out by hand.
import { describe, expect, it } from 'vitest';
import { auditRanks, notRanked } from '../../../src-main/engine/metrics/audit-rank';
import { errorCodeOf } from '../../helpers/error-code';

describe('audit ranks', () => {
  it('gives tied scores the best rank they share and skips the ranks they take up', () => {
    const scores = Float64Array.from([0.2, 0.9, 0.5, 0.9, 0.5, 0.5, -1]);
    const everyone = new Uint8Array(scores.length).fill(1);
    expect(Array.from(auditRanks(scores, everyone))).toEqual([6, 1, 3, 1, 3, 3, 7]);
  });

  it('ranks audited records among themselves only; calibration records have no rank', () => {
    // The calibration records (flag 0) score 1.0 and 0.7: above every audited record and between two of them.
    const scores = Float64Array.from([1.0, 0.8, 0.7, 0.8, 0.6]);
    const audited = Uint8Array.from([0, 1, 0, 1, 1]);
    expect(Array.from(auditRanks(scores, audited))).toEqual([notRanked, 1, notRanked, 1, 3]);
  });

  it('treats -0 and +0 as a tie, and ranks an empty run as nothing', () => {
    expect(Array.from(auditRanks(Float64Array.from([0, -0, -0.5]), Uint8Array.from([1, 1, 1])))).toEqual([1, 1, 3]);
    expect(auditRanks(new Float64Array(0), new Uint8Array(0)).length).toBe(0);
  });

  it('refuses scores and flags of different lengths', () => {
    expect(errorCodeOf(() => auditRanks(Float64Array.from([1, 2]), Uint8Array.from([1])))).toBe('metrics.length-mismatch');
  });
});
