// Precision at a prior fraction of members, from an operating point's stored precision, recall and counts.
import { describe, expect, it } from 'vitest';
import { operatingRates, precisionAtPrior } from '../../../src-shared/domain/precision-at-prior';

/** The stored figures of an operating point that flagged `truePositives` members and `falsePositives` non-members. */
const stored = (members: number, nonMembers: number, truePositives: number, falsePositives: number) => ({
  precision: truePositives + falsePositives === 0 ? null : truePositives / (truePositives + falsePositives),
  recall: truePositives / members,
  members,
  nonMembers,
});

describe('precision at a prior', () => {
  it('recovers the operating TPR and FPR from precision, recall and counts', () => {
    expect(operatingRates(stored(500, 500, 300, 100))).toEqual({ tpr: 0.6, fpr: 0.2 });
    expect(operatingRates(stored(137, 911, 29, 53))).toEqual({ tpr: 29 / 137, fpr: 53 / 911 });
  });

  it('applies Bayes’ rule at the prior: 1 % members turn a 75 % precise attack into a 3 % precise one', () => {
    const rows = stored(500, 500, 300, 100);
    expect(precisionAtPrior(rows, 0.01)).toBeCloseTo((0.01 * 0.6) / (0.01 * 0.6 + 0.99 * 0.2), 12);
    expect(precisionAtPrior(rows, 0.01)).toBeLessThan(0.03);
  });

  it('equals the stored precision when the prior is the audit set’s own share of members', () => {
    const rows = stored(100, 900, 40, 90);
    expect(precisionAtPrior(rows, 0.1)).toBeCloseTo(rows.precision!, 12);
    expect(precisionAtPrior(stored(500, 500, 300, 100), 0.5)).toBeCloseTo(0.75, 12);
  });

  it('grows with the prior, and is 1 when no non-member was flagged', () => {
    const rows = stored(500, 500, 120, 15);
    const values = [0.001, 0.01, 0.1, 0.5, 0.9].map((prior) => precisionAtPrior(rows, prior)!);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
    expect(precisionAtPrior(stored(500, 500, 10, 0), 0.01)).toBe(1);
  });

  it('is null when nothing was flagged or counts are missing, and 0 when every flagged record was a non-member', () => {
    expect(precisionAtPrior(stored(500, 500, 0, 0), 0.01)).toBeNull();
    expect(precisionAtPrior({ precision: 0.5, recall: 0.5, members: null, nonMembers: 500 }, 0.01)).toBeNull();
    expect(precisionAtPrior({ precision: 0.5, recall: null, members: 500, nonMembers: 500 }, 0.01)).toBeNull();
    expect(precisionAtPrior(stored(500, 500, 0, 40), 0.01)).toBe(0);
  });
});
