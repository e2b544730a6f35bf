// The blind baseline's record sample: every record up to the cap (so audits of that size are unchanged), beyond it a
// seeded sample of exactly the cap that keeps the member share and repeats for the same seed.
import { describe, expect, it } from 'vitest';
import { blindBaselineMaxRecords, blindBaselineSample } from '../../../src-main/engine/checks/blind-baseline/baseline-sample';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';

const labelsWithMembers = (count: number, everyNth: number): Uint8Array =>
  Uint8Array.from({ length: count }, (_, i) => (i % everyNth === 0 ? 1 : 0));

describe('blindBaselineSample', () => {
  it('keeps every record up to the cap', () => {
    expect(blindBaselineSample(labelsWithMembers(blindBaselineMaxRecords, 2), new SeededRandom(1))).toBeNull();
    expect(blindBaselineSample(labelsWithMembers(30, 2), new SeededRandom(1), 30)).toBeNull();
  });

  it('draws exactly the cap beyond it, distinct ascending positions with the member share kept', () => {
    const labels = labelsWithMembers(1_000_000, 4);
    const picked = blindBaselineSample(labels, new SeededRandom(7))!;
    expect(picked.length).toBe(blindBaselineMaxRecords);
    for (let i = 1; i < picked.length; i++) expect(picked[i]!).toBeGreaterThan(picked[i - 1]!);
    const members = Array.from(picked).filter((at) => labels[at] === 1).length;
    expect(members).toBe(blindBaselineMaxRecords / 4);
  });

  it('repeats for the same seed and differs for another', () => {
    const labels = labelsWithMembers(50_000, 3);
    const once = blindBaselineSample(labels, new SeededRandom(3), 1000)!;
    expect(blindBaselineSample(labels, new SeededRandom(3), 1000)).toEqual(once);
    expect(blindBaselineSample(labels, new SeededRandom(4), 1000)).not.toEqual(once);
  });

  it('keeps at least two records of a rare class, so the check can still run', () => {
    const labels = new Uint8Array(100_000);
    labels[10] = 1;
    labels[99_000] = 1;
    labels[50_000] = 1;
    const picked = blindBaselineSample(labels, new SeededRandom(5), 1000)!;
    expect(Array.from(picked).filter((at) => labels[at] === 1).length).toBe(2);
    expect(picked.length).toBe(1000);
  });
});
