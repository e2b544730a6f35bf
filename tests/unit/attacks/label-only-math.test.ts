// The label-only attacks' maths: flips and border-repeating shifts in either layout, seeded augmentation sets, the
// fraction of copies labelled correctly, the boundary search's fixed query schedule, and the distance it finds to a
// linear decision boundary whose true distance is known (|w·x + b| / ‖w‖), queried by labels only.
import { describe, expect, it } from 'vitest';
import {
  augmentImage,
  correctFraction,
  drawAugmentations,
  type Augmentation,
} from '../../../src-main/engine/attacks/classifier/augmentation-math';
import {
  binarySearchBoundary,
  boundaryDistances,
  boundarySchedule,
  queriesPerRecord,
  type LabelQuery,
} from '../../../src-main/engine/attacks/classifier/boundary-search';
import { findAttack } from '../../../src-main/engine/attacks/registry';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import { plainTarget } from '../../../src-shared/domain/model-calls';

const plain: Augmentation = { flip: false, shiftX: 0, shiftY: 0, noiseStd: 0 };
const grid = Float32Array.from({ length: 12 }, (_, i) => i); // one channel, 3 rows × 4 columns

function augmented(augmentation: Augmentation, layout: 'NCHW' | 'NHWC' = 'NCHW', source = grid, channels = 1): number[] {
  const out = new Float32Array(source.length);
  augmentImage(source, { channels, height: 3, width: 4, layout }, augmentation, null, out, 0);
  return Array.from(out);
}

describe('augmentations in the model input space', () => {
  it('mirrors each row, and shifts with the border pixel repeated into the gap', () => {
    expect(augmented({ ...plain, flip: true })).toEqual([3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8]);
    expect(augmented({ ...plain, shiftX: 1 })).toEqual([0, 0, 1, 2, 4, 4, 5, 6, 8, 8, 9, 10]);
    expect(augmented({ ...plain, shiftY: -1 })).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 8, 9, 10, 11]);
    // Mirrored first, then shifted: the shift moves the mirrored image.
    expect(augmented({ ...plain, flip: true, shiftX: 1 })).toEqual([3, 3, 2, 1, 7, 7, 6, 5, 11, 11, 10, 9]);
  });

  it('moves pixels, not channels, in an NHWC image', () => {
    const rgb = Float32Array.from({ length: 36 }, (_, i) => i); // 3 × 4 pixels, 3 channels each
    const out = augmented({ ...plain, flip: true }, 'NHWC', rgb, 3);
    expect(out.slice(0, 6)).toEqual([9, 10, 11, 6, 7, 8]);
  });

  it('adds seeded noise of the given deviation, the same from the same stream', () => {
    const zeros = new Float32Array(4000);
    const noisy = (seed: number) => {
      const out = new Float32Array(4000);
      augmentImage(
        zeros,
        { channels: 1, height: 40, width: 100, layout: 'NCHW' },
        { ...plain, noiseStd: 0.5 },
        new SeededRandom(seed),
        out,
        0,
      );
      return out;
    };
    const values = Array.from(noisy(3));
    const std = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);
    expect(std).toBeGreaterThan(0.45);
    expect(std).toBeLessThan(0.55);
    expect(noisy(3)).toEqual(noisy(3));
    expect(noisy(4)).not.toEqual(noisy(3));
  });

  it('draws flips on every second copy, shifts within ±maxShift, and only the kinds asked for', () => {
    const set = drawAugmentations(new SeededRandom(1), { count: 40, kinds: ['flip', 'shift', 'noise'], maxShift: 2, noiseStd: 0.1 });
    expect(set.map((a) => a.flip)).toEqual(Array.from({ length: 40 }, (_, i) => i % 2 === 1));
    expect(new Set(set.flatMap((a) => [a.shiftX, a.shiftY]))).toEqual(new Set([-2, -1, 0, 1, 2]));
    expect(set.every((a) => a.noiseStd === 0.1)).toBe(true);
    const shiftsOnly = drawAugmentations(new SeededRandom(1), { count: 10, kinds: ['shift'], maxShift: 1, noiseStd: 0.1 });
    expect(shiftsOnly.some((a) => a.flip || a.noiseStd > 0)).toBe(false);
  });

  it('scores each record by the fraction of its copies labelled as its label', () => {
    const predicted = Int32Array.from([1, 1, 0, 1, 2, 2, 2, 2]);
    expect(Array.from(correctFraction(predicted, Int32Array.from([1, 2]), 4))).toEqual([0.75, 1]);
  });
});

/** A linear classifier over `size` inputs: label 1 where w·x + b > 0, else 0. */
function linearQuery(w: Float64Array, b: number, size: number, counter: { calls: number }): LabelQuery {
  return async (points, count) => {
    counter.calls += count;
    return Int32Array.from({ length: count }, (_, r) => {
      let dot = b;
      for (let i = 0; i < size; i += 1) dot += w[i]! * points[r * size + i]!;
      return dot > 0 ? 1 : 0;
    });
  };
}

describe('boundary search by label queries', () => {
  it('spends exactly the schedule the budget pays for, and never more than the budget', () => {
    for (const [budget, gradient] of [
      [17, 12],
      [60, 12],
      [100, 20],
      [61, 2],
    ] as const) {
      const schedule = boundarySchedule(budget, gradient);
      expect(queriesPerRecord(schedule)).toBeLessThanOrEqual(budget);
      expect(budget - queriesPerRecord(schedule)).toBeLessThan(gradient + schedule.stepTries + schedule.binarySteps);
    }
    expect(() => boundarySchedule(16, 12)).toThrow(/at least 17/);
  });

  it('binary search halves the segment each query and ends on the far side of the boundary', async () => {
    const size = 2;
    const w = Float64Array.from([1, 0]);
    const counter = { calls: 0 };
    // From (−1, 0) labelled 0 towards (3, 0) labelled 1: the boundary x = 0 lies at t = 0.25.
    const t = await binarySearchBoundary(
      Float32Array.from([-1, 0]),
      Float32Array.from([3, 0]),
      Int32Array.from([0]),
      size,
      10,
      linearQuery(w, 0, size, counter),
    );
    expect(counter.calls).toBe(10);
    expect(t[0]!).toBeGreaterThan(0.25);
    expect(t[0]! - 0.25).toBeLessThanOrEqual(2 ** -10);
  });

  it('finds the distance to a linear boundary in 16 dimensions within 15 %, counting every query', async () => {
    const size = 16;
    const random = new SeededRandom(9);
    const w = random.fillNormal(new Float64Array(size));
    const wNorm = Math.sqrt(w.reduce((sum, v) => sum + v * v, 0));
    const records = 6;
    const images = new Float32Array(records * size);
    const trueDistance: number[] = [];
    for (let r = 0; r < records; r += 1) {
      // Points on the label-0 side at known distances 0.5 … 3 from the plane w·x + 1 = 0.
      const distance = 0.5 + 0.5 * r;
      const along = random.fillNormal(new Float64Array(size));
      const dot = along.reduce((sum, v, i) => sum + v * w[i]!, 0);
      for (let i = 0; i < size; i += 1) images[r * size + i] = along[i]! - ((dot + 1 + distance * wNorm) / wNorm ** 2) * w[i]!;
      trueDistance.push(distance);
    }
    const counter = { calls: 0 };
    const schedule = boundarySchedule(400, 40);
    const found = await boundaryDistances(
      images,
      new Int32Array(records),
      size,
      schedule,
      linearQuery(w, 1, size, counter),
      (r) => new SeededRandom(100 + r),
    );
    expect(counter.calls).toBe(records * queriesPerRecord(schedule));
    found.forEach((distance, r) => {
      // Never nearer than the true distance (every boundary point found is a real one), and close to it.
      expect(distance).toBeGreaterThanOrEqual(trueDistance[r]! * 0.999);
      expect(distance).toBeLessThan(trueDistance[r]! * 1.15);
    });
  });

  it('scores a record the model already labels otherwise 0, and is the same for the same seed', async () => {
    const size = 8;
    const w = Float64Array.from({ length: size }, (_, i) => (i % 2 ? 1 : -1));
    const images = Float32Array.from({ length: 2 * size }, (_, i) => (i < size ? -0.3 : 0.4) * (i % 2 ? 1 : -1));
    const query = linearQuery(w, 0, size, { calls: 0 });
    const schedule = boundarySchedule(60, 12);
    const once = await boundaryDistances(images, Int32Array.from([0, 0]), size, schedule, query, (r) => new SeededRandom(r));
    const again = await boundaryDistances(images, Int32Array.from([0, 0]), size, schedule, query, (r) => new SeededRandom(r));
    expect(once[1]).toBe(0);
    expect(once[0]).toBeGreaterThan(0);
    expect(Array.from(again)).toEqual(Array.from(once));
  });
});

describe('model-call estimates of the label-only attacks', () => {
  const counts = { audited: 10, references: 0, shadows: 3, target: plainTarget };
  it('augmentation: one query per copy per record, plus the shadow models’ samples when they choose the threshold', () => {
    const attack = findAttack('label-only-augmentation');
    expect(attack.estimateModelCalls(attack.params.parse({ augmentations: 7 }), counts)).toEqual({ model: 70 });
    expect(attack.estimateModelCalls(attack.params.parse({ augmentations: 7, shadowThreshold: true, shadowRecords: 5 }), counts)).toEqual({
      model: 70 + 3 * 2 * 5 * 7,
    });
  });

  it('boundary: the queries the schedule spends per record', () => {
    const attack = findAttack('label-only-boundary');
    const params = attack.params.parse({ queryBudget: 60, gradientQueries: 12 }) as { queryBudget: number; gradientQueries: number };
    expect(attack.estimateModelCalls(params, counts)).toEqual({ model: 10 * queriesPerRecord(boundarySchedule(60, 12)) });
  });
});
