// The seeded random source: reproducible streams, independent named forks, correct ranges and distributions.
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import { errorCodeOf } from '../../helpers/error-code';

function draws(random: SeededRandom, count: number): number[] {
  return Array.from({ length: count }, () => random.uint32());
}

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed, pinned so a change of algorithm or platform shows', () => {
    expect(draws(new SeededRandom(42), 4)).toEqual([3316672446, 2396853659, 2728123159, 1883351037]);
    expect(new SeededRandom('audit-7').next()).toBe(0.9824515319957074);
    expect(new SeededRandom(42).fork('bootstrap').uint32()).toBe(3066856633);
    const normals = new SeededRandom(3);
    expect([normals.normal(), normals.normal()]).toEqual([0.008735345074053324, 0.04940155643576942]);
  });

  it('gives different sequences for different seeds, including a number and its text', () => {
    const base = draws(new SeededRandom(1), 8);
    expect(draws(new SeededRandom(2), 8)).not.toEqual(base);
    expect(draws(new SeededRandom('1'), 8)).not.toEqual(base);
    expect(draws(new SeededRandom(2 ** 32 + 1), 8)).not.toEqual(base);
  });

  it('forks by label independently of how much the parent has drawn', () => {
    const fresh = new SeededRandom(9);
    const used = new SeededRandom(9);
    draws(used, 1000);
    used.normal();
    expect(draws(used.fork('shadow-splits'), 16)).toEqual(draws(fresh.fork('shadow-splits'), 16));
    expect(draws(fresh.fork('a'), 8)).not.toEqual(draws(fresh.fork('b'), 8));
    expect(draws(fresh.fork('a').fork('b'), 8)).not.toEqual(draws(fresh.fork('a/b'), 8));
    expect(fresh.fork('a').fork('b').path).toBe('9/a/b');
  });

  it('keeps the parent stream unchanged when a child is forked and used', () => {
    const plain = new SeededRandom(5);
    const forking = new SeededRandom(5);
    draws(forking.fork('noise'), 50);
    expect(draws(forking, 16)).toEqual(draws(plain, 16));
  });

  it('draws floats in [0, 1) and integers in [0, n) with roughly uniform frequencies', () => {
    const random = new SeededRandom(11);
    let smallest = 1;
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      const value = random.next();
      smallest = Math.min(smallest, value);
      largest = Math.max(largest, value);
    }
    expect(smallest >= 0 && smallest < 0.001 && largest < 1 && largest > 0.999).toBe(true);
    const buckets = new Array<number>(7).fill(0);
    const total = 70_000;
    for (let i = 0; i < total; i++) buckets[random.nextInt(7)]!++;
    // Chi-square with 6 degrees of freedom; 22.5 is its 0.999 quantile.
    const chiSquare = buckets.reduce((sum, count) => sum + (count - total / 7) ** 2 / (total / 7), 0);
    expect(chiSquare).toBeLessThan(22.5);
    expect(random.nextInt(1)).toBe(0);
    const large = random.nextInt(2 ** 32);
    expect(Number.isInteger(large) && large >= 0 && large < 2 ** 32).toBe(true);
  });

  it('draws standard normals with mean 0 and variance 1 and fills arrays deterministically', () => {
    const filled = new SeededRandom(4).fillNormal(new Float32Array(20_000));
    let sum = 0;
    let sumOfSquares = 0;
    for (const value of filled) {
      sum += value;
      sumOfSquares += value * value;
    }
    const mean = sum / filled.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sumOfSquares / filled.length - mean * mean - 1)).toBeLessThan(0.04);
    const again = new SeededRandom(4).fillNormal(new Float32Array(20_000));
    expect(Buffer.from(again.buffer).equals(Buffer.from(filled.buffer))).toBe(true);
  });

  it('shuffles into a permutation, the same one for the same seed', () => {
    const shuffled = new SeededRandom(8).shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect([...shuffled].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffled).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(new SeededRandom(8).shuffle(Int32Array.from({ length: 50 }, (_, i) => i))).toEqual(Int32Array.from(shuffled));
  });

  it('samples distinct indices without replacement, covering every index with equal frequency', () => {
    const random = new SeededRandom(12);
    const hits = new Array<number>(10).fill(0);
    for (let trial = 0; trial < 3000; trial++) {
      const sample = random.sampleWithoutReplacement(10, 3);
      expect(new Set(sample).size).toBe(3);
      for (const index of sample) hits[index]!++;
    }
    for (const count of hits) expect(Math.abs(count - 900)).toBeLessThan(120);
    expect([...random.sampleWithoutReplacement(6, 6)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(random.sampleWithoutReplacement(1_000_000_000, 2).length).toBe(2);
  });

  it('refuses seeds and ranges it cannot honour', () => {
    expect(errorCodeOf(() => new SeededRandom(-1))).toBe('random.invalid-seed');
    expect(errorCodeOf(() => new SeededRandom(1.5))).toBe('random.invalid-seed');
    expect(errorCodeOf(() => new SeededRandom(0).nextInt(0))).toBe('random.invalid-range');
    expect(errorCodeOf(() => new SeededRandom(0).nextInt(2 ** 32 + 1))).toBe('random.invalid-range');
    expect(errorCodeOf(() => new SeededRandom(0).sampleWithoutReplacement(3, 4))).toBe('random.invalid-sample');
  });
});
