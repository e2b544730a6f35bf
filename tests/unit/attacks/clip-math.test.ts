// The CLIP attacks' arithmetic on hand-made numbers: CSA similarities, AEA's two aggregates, and WSA's threshold,
// pseudo-labels, balancing, feature rows and pseudo-label error rate.
import { describe, expect, it } from 'vitest';
import { aggregateViews, pairedSimilarities } from '../../../src-main/engine/attacks/clip/clip-scores';
import { captionsOf } from '../../../src-main/engine/attacks/clip/clip-target';
import {
  balanceSides,
  concatenatedFeatures,
  pseudoLabelErrorRate,
  pseudoMemberIndices,
  wsaRoles,
  wsaThreshold,
} from '../../../src-main/engine/attacks/clip/wsa-math';
import type { RunRecord } from '../../../src-main/engine/attacks/run-record';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';

const embeddings = (dimension: number, rows: number[][]) => ({ dimension, values: Float32Array.from(rows.flat()) });

describe('CSA similarities', () => {
  it('is the dot product of each image row with its own caption row', () => {
    const s = Math.SQRT1_2;
    const images = embeddings(2, [
      [1, 0],
      [s, s],
      [0, 1],
    ]);
    const texts = embeddings(2, [
      [1, 0],
      [1, 0],
      [0, -1],
    ]);
    const cs = pairedSimilarities(images, texts);
    expect(cs[0]).toBeCloseTo(1, 12);
    expect(cs[1]).toBeCloseTo(Math.fround(s), 12);
    expect(cs[2]).toBeCloseTo(-1, 12);
  });

  it('refuses embeddings of different widths', () => {
    expect(() => pairedSimilarities(embeddings(2, [[1, 0]]), embeddings(1, [[1], [0]]))).toThrow(
      expect.objectContaining({ code: 'attack.embedding-mismatch' }),
    );
  });

  it('refuses a record without a caption, naming it', () => {
    const record = { id: 1, key: 'img-7', caption: '  ' } as RunRecord;
    expect(() => captionsOf([record], 'csa')).toThrow(
      expect.objectContaining({ code: 'attack.missing-caption', message: expect.stringContaining('img-7') }),
    );
  });
});

describe('AEA aggregation', () => {
  const original = Float64Array.from([0.9, 0.5]);
  const views = [Float64Array.from([0.7, 0.5]), Float64Array.from([0.5, 0.4])];

  it('"gap" averages the similarity lost under each view', () => {
    const scores = aggregateViews(original, views, 'gap');
    expect(scores[0]).toBeCloseTo((0.2 + 0.4) / 2, 12);
    expect(scores[1]).toBeCloseTo((0 + 0.1) / 2, 12);
  });

  it('"mean-similarity" averages the original and the views', () => {
    const scores = aggregateViews(original, views, 'mean-similarity');
    expect(scores[0]).toBeCloseTo((0.9 + 0.7 + 0.5) / 3, 12);
    expect(scores[1]).toBeCloseTo((0.5 + 0.5 + 0.4) / 3, 12);
  });

  it('ranks the records differently under the two aggregates when similarity level and loss disagree', () => {
    // Record 0: high similarity that survives augmentation; record 1: lower similarity that collapses.
    const o = Float64Array.from([0.9, 0.6]);
    const v = [Float64Array.from([0.88, 0.2])];
    const gap = aggregateViews(o, v, 'gap');
    const mean = aggregateViews(o, v, 'mean-similarity');
    expect(gap[1]!).toBeGreaterThan(gap[0]!);
    expect(mean[0]!).toBeGreaterThan(mean[1]!);
  });

  it('refuses views of the wrong length and an empty view list', () => {
    expect(() => aggregateViews(original, [Float64Array.from([1])], 'gap')).toThrow(expect.objectContaining({ code: 'aea.bad-views' }));
    expect(() => aggregateViews(original, [], 'gap')).toThrow(expect.objectContaining({ code: 'aea.no-views' }));
  });
});

describe('WSA threshold and pseudo-labels', () => {
  it('sets τ = μ + λσ with the population standard deviation', () => {
    const threshold = wsaThreshold(Float64Array.from([0.2, 0.4, 0.6, 0.8]), 1.5);
    const std = Math.sqrt((0.09 + 0.01 + 0.01 + 0.09) / 4);
    expect(threshold.mean).toBeCloseTo(0.5, 12);
    expect(threshold.std).toBeCloseTo(std, 12);
    expect(threshold.tau).toBeCloseTo(0.5 + 1.5 * std, 12);
    expect(wsaThreshold(Float64Array.from([0.2, 0.4, 0.6, 0.8]), -0.5).tau).toBeCloseTo(0.5 - 0.5 * std, 12);
  });

  it('refuses an empty non-member set', () => {
    expect(() => wsaThreshold(new Float64Array(0), 1)).toThrow(expect.objectContaining({ code: 'wsa.no-nonmembers' }));
  });

  it('takes as pseudo-members the pool records at or above τ, in pool order', () => {
    expect(Array.from(pseudoMemberIndices(Float64Array.from([0.1, 0.7, 0.5, 0.9, 0.69]), 0.7))).toEqual([1, 3]);
    expect(pseudoMemberIndices(Float64Array.from([0.1, 0.2]), 0.5).length).toBe(0);
  });

  it('counts the pseudo-label error over pseudo-members with known membership only', () => {
    expect(pseudoLabelErrorRate([1, 0, 1, 1, null])).toEqual({ rate: 0.25, known: 4 });
    expect(pseudoLabelErrorRate([null, null])).toEqual({ rate: null, known: 0 });
    expect(pseudoLabelErrorRate([])).toEqual({ rate: null, known: 0 });
  });
});

describe('WSA balancing', () => {
  it('subsamples the larger side to the size of the smaller and keeps the smaller whole', () => {
    const balanced = balanceSides(30, 100, new SeededRandom(4));
    expect(Array.from(balanced.members)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(balanced.nonMembers.length).toBe(30);
    expect(new Set(balanced.nonMembers).size).toBe(30);
    expect(Array.from(balanced.nonMembers)).toEqual(Array.from(balanced.nonMembers).sort((a, b) => a - b));
    expect(Math.max(...balanced.nonMembers)).toBeLessThan(100);

    const other = balanceSides(100, 30, new SeededRandom(4));
    expect(other.members.length).toBe(30);
    expect(other.nonMembers.length).toBe(30);
  });

  it('draws the same subsample from the same seed and another from another seed', () => {
    const a = balanceSides(500, 40, new SeededRandom(9)).members;
    const b = balanceSides(500, 40, new SeededRandom(9)).members;
    const c = balanceSides(500, 40, new SeededRandom(10)).members;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('builds feature rows as the image embedding followed by the caption embedding', () => {
    const images = embeddings(2, [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const texts = embeddings(2, [
      [-1, -2],
      [-3, -4],
      [-5, -6],
    ]);
    expect(Array.from(concatenatedFeatures(images, texts, [2, 0]))).toEqual([5, 6, -5, -6, 1, 2, -1, -2]);
  });
});

describe('WSA roles', () => {
  let nextId = 1;
  const record = (key: string, role: RunRecord['role'], member: 0 | 1 | null = null): RunRecord => ({
    id: nextId++,
    key,
    path: `${key}.png`,
    sourceIndex: null,
    sha256: key,
    label: null,
    caption: `caption of ${key}`,
    member,
    role,
  });
  const audit = [record('a1', 'audit', 1), record('a2', 'audit', 0)];
  const nonMembers = [record('n1', 'nonmember-reference', 0), record('n2', 'nonmember-reference', 0)];
  const pool = [record('p1', 'pool', 1), record('p2', 'pool', null)];

  it('splits the dataset into guaranteed non-members and the pool', () => {
    const roles = wsaRoles([...audit, ...nonMembers, ...pool], audit);
    expect(roles.nonMembers.map((r) => r.key)).toEqual(['n1', 'n2']);
    expect(roles.pool.map((r) => r.key)).toEqual(['p1', 'p2']);
  });

  it('refuses a dataset without guaranteed non-members or without a pool', () => {
    expect(() => wsaRoles([...audit, ...pool], audit)).toThrow(
      expect.objectContaining({ code: 'run.missing-role', message: expect.stringContaining('nonmember-reference') }),
    );
    expect(() => wsaRoles([...audit, ...nonMembers], audit)).toThrow(
      expect.objectContaining({ code: 'run.missing-role', message: expect.stringContaining('"pool"') }),
    );
  });

  it('refuses pool or non-member records that share a key with a reported record', () => {
    const leaked = record('a2', 'pool', 0);
    expect(() => wsaRoles([...audit, ...nonMembers, ...pool, leaked], audit)).toThrow(
      expect.objectContaining({ code: 'wsa.overlaps-reported', message: expect.stringContaining('"a2"') }),
    );
    const leakedNonMember = record('a1', 'nonmember-reference', 0);
    expect(() => wsaRoles([...audit, ...nonMembers, leakedNonMember, ...pool], audit)).toThrow(
      expect.objectContaining({ code: 'wsa.overlaps-reported' }),
    );
  });
});
