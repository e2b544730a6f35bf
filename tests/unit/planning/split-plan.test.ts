// Split plans: Shokri shadows draw disjoint in/out halves of 2m aux records; reference models come in complementary
// pairs so each record is IN exactly half of them; the same seed gives the same plan.
import { describe, expect, it } from 'vitest';
import { planReferenceSplits, planShadowSplits } from '../../../src-main/engine/planning/split-plan';
import { errorCodeOf } from '../../helpers/error-code';

describe('planShadowSplits', () => {
  it('gives each shadow m records in and m other records out, all inside the pool', () => {
    const plan = planShadowSplits(100, 4, 30, 7);
    expect(plan.map((model) => model.name)).toEqual(['shadow_00', 'shadow_01', 'shadow_02', 'shadow_03']);
    for (const model of plan) {
      expect(model.trainOn).toHaveLength(30);
      expect(model.heldOut).toHaveLength(30);
      const all = new Set([...model.trainOn, ...model.heldOut]);
      expect(all.size).toBe(60); // no record both in and out
      for (const index of all) expect(index >= 0 && index < 100).toBe(true);
      expect([...model.trainOn]).toEqual([...model.trainOn].sort((a, b) => a - b));
    }
    // Independent draws: the shadows do not all train on the same records.
    expect(plan[0]!.trainOn).not.toEqual(plan[1]!.trainOn);
  });

  it('is a function of the seed, and adding shadows keeps the earlier ones', () => {
    expect(planShadowSplits(100, 3, 20, 5)).toEqual(planShadowSplits(100, 3, 20, 5));
    expect(planShadowSplits(100, 3, 20, 6)[0]!.trainOn).not.toEqual(planShadowSplits(100, 3, 20, 5)[0]!.trainOn);
    expect(planShadowSplits(100, 5, 20, 5).slice(0, 3)).toEqual(planShadowSplits(100, 3, 20, 5));
  });

  it('refuses a train size the pool cannot hold twice, saying the largest that fits', () => {
    expect(errorCodeOf(() => planShadowSplits(50, 2, 26, 1))).toBe('plan.pool-too-small');
    expect(() => planShadowSplits(50, 2, 26, 1)).toThrow(/at most 25/);
    expect(errorCodeOf(() => planShadowSplits(50, 0, 10, 1))).toBe('plan.bad-count');
    expect(errorCodeOf(() => planShadowSplits(50, 2, 0, 1))).toBe('plan.bad-train-size');
  });
});

describe('planReferenceSplits', () => {
  it('puts every record IN exactly half of an even number of models', () => {
    const plan = planReferenceSplits(101, 6, 3);
    expect(plan.map((model) => model.name)).toEqual(['ref_00', 'ref_01', 'ref_02', 'ref_03', 'ref_04', 'ref_05']);
    const inCount = new Array<number>(101).fill(0);
    for (const model of plan) {
      expect(model.trainOn.length + model.heldOut.length).toBe(101);
      for (const index of model.trainOn) inCount[index]!++;
    }
    expect(new Set(inCount)).toEqual(new Set([3]));
    // Pairs are complements; different pairs are different halves.
    expect(plan[1]!.trainOn).toEqual(plan[0]!.heldOut);
    expect(plan[2]!.trainOn).not.toEqual(plan[0]!.trainOn);
  });

  it('is a function of the seed and leaves the last model of an odd count unpaired', () => {
    expect(planReferenceSplits(40, 3, 9)).toEqual(planReferenceSplits(40, 3, 9));
    const odd = planReferenceSplits(40, 3, 9);
    expect(odd).toHaveLength(3);
    expect(odd[2]!.trainOn).toHaveLength(20);
    expect(errorCodeOf(() => planReferenceSplits(1, 2, 9))).toBe('plan.pool-too-small');
  });
});
