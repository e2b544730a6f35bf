// A HopSkipJump-style estimate of each record's L2 distance to the decision boundary, from label queries only: a
// random start that the model labels differently, a binary search back to the boundary, then rounds of a gradient
// direction estimated from the labels of nearby points, a geometric step along it and another binary search. Every
// record spends exactly the same queries (the schedule), so the estimate before Start is the count the run makes.
import { MiaError } from '../../../common/errors';
import type { SeededRandom } from '../../random/seeded-random';

/** Asks the model for the labels of `count` points laid end to end in `points`. */
export type LabelQuery = (points: Float32Array, count: number) => Promise<Int32Array>;

export interface BoundarySchedule {
  /** Radii tried for the random start, doubling from the first (queried together). */
  readonly startTries: number;
  /** Halvings of each binary search. */
  readonly binarySteps: number;
  /** Random directions whose labels estimate the gradient direction, per round. */
  readonly gradientQueries: number;
  /** Geometric step sizes tried per round, halving from the largest (queried together). */
  readonly stepTries: number;
  /** Rounds of gradient estimate, step and binary search. */
  readonly rounds: number;
}

const startTries = 8;
const binarySteps = 8;
const stepTries = 4;

/** Queries per record before the first round: its own label, the start radii and the first binary search. */
const fixedQueries = 1 + startTries + binarySteps;

/** The smallest budget that pays for the start and the first binary search. */
export const minimumBoundaryBudget = fixedQueries;

/** The schedule a per-record query budget pays for: as many whole rounds as fit after the start. */
export function boundarySchedule(budget: number, gradientQueries: number): BoundarySchedule {
  if (!Number.isInteger(budget) || budget < fixedQueries) {
    throw new MiaError(
      'run.invalid-params',
      `label-only-boundary: queryBudget must be a whole number of at least ${fixedQueries}; got ${budget}.`,
    );
  }
  const rounds = Math.floor((budget - fixedQueries) / (gradientQueries + stepTries + binarySteps));
  return { startTries, binarySteps, gradientQueries, stepTries, rounds };
}

/** Label queries one record spends under `schedule` (at most the budget it was made from). */
export function queriesPerRecord(schedule: BoundarySchedule): number {
  return (
    1 +
    schedule.startTries +
    schedule.binarySteps +
    schedule.rounds * (schedule.gradientQueries + schedule.stepTries + schedule.binarySteps)
  );
}

function norm(values: Float64Array | Float32Array): number {
  let sum = 0;
  for (const v of values) sum += v * v;
  return Math.sqrt(sum);
}

/** A unit-length Gaussian direction from `random`. */
export function randomDirection(random: SeededRandom, size: number): Float64Array {
  const direction = random.fillNormal(new Float64Array(size));
  const length = norm(direction);
  for (let i = 0; i < size; i += 1) direction[i] = direction[i]! / length;
  return direction;
}

/**
 * Binary search on the segment from each origin (labelled as its record) to its far point (labelled otherwise), all
 * records in step: `steps` queries each. Returns, per record, the fraction t of the segment where the boundary point
 * on the far side lies.
 */
export async function binarySearchBoundary(
  origins: Float32Array,
  far: Float32Array,
  labels: Int32Array,
  size: number,
  steps: number,
  query: LabelQuery,
): Promise<Float64Array> {
  const count = labels.length;
  const low = new Float64Array(count);
  const high = new Float64Array(count).fill(1);
  const points = new Float32Array(count * size);
  for (let step = 0; step < steps; step += 1) {
    for (let r = 0; r < count; r += 1) {
      const t = (low[r]! + high[r]!) / 2;
      for (let i = r * size; i < (r + 1) * size; i += 1) points[i] = origins[i]! + t * (far[i]! - origins[i]!);
    }
    const answered = await query(points, count);
    for (let r = 0; r < count; r += 1) {
      const t = (low[r]! + high[r]!) / 2;
      if (answered[r] === labels[r]) low[r] = t;
      else high[r] = t;
    }
  }
  return high;
}

/** Per record, a seeded source of its own (so its distance does not depend on the records searched beside it). */
export type RecordRandom = (record: number) => SeededRandom;

/**
 * Each record's estimated L2 distance to the boundary of the class `labels` gives it: 0 when the model already labels it
 * otherwise; the largest start radius when no start point left its class (a record far inside it).
 */
export async function boundaryDistances(
  images: Float32Array,
  labels: Int32Array,
  size: number,
  schedule: BoundarySchedule,
  query: LabelQuery,
  randomOf: RecordRandom,
): Promise<Float64Array> {
  const count = labels.length;
  const randoms = Array.from({ length: count }, (_, r) => randomOf(r));
  const correct = (await query(images, count)).map((label, r) => (label === labels[r] ? 1 : 0));

  // Start: random directions tried both ways (one of two opposite directions always heads towards a nearby, locally
  // flat boundary; a single direction misses it half the time), each pair at eight times the last radius; the first
  // try that leaves the class wins.
  const firstRadius = 0.125 * Math.sqrt(size);
  const tries = new Float32Array(count * schedule.startTries * size);
  for (let r = 0; r < count; r += 1) {
    let direction: Float64Array = new Float64Array(0);
    for (let k = 0; k < schedule.startTries; k += 1) {
      if (k % 2 === 0) direction = randomDirection(randoms[r]!, size);
      const step = startRadius(firstRadius, k) * (k % 2 === 0 ? 1 : -1);
      const base = (r * schedule.startTries + k) * size;
      for (let i = 0; i < size; i += 1) tries[base + i] = images[r * size + i]! + step * direction[i]!;
    }
  }
  const tried = await query(tries, count * schedule.startTries);
  const far = new Float32Array(count * size);
  const found = new Uint8Array(count);
  for (let r = 0; r < count; r += 1) {
    let k = 0;
    while (k < schedule.startTries && tried[r * schedule.startTries + k] === labels[r]) k += 1;
    found[r] = k < schedule.startTries && correct[r] ? 1 : 0;
    // A record without a start keeps its farthest try, which never left its class; its searches are spent but unused.
    const start = Math.min(k, schedule.startTries - 1);
    far.set(tries.subarray((r * schedule.startTries + start) * size, (r * schedule.startTries + start + 1) * size), r * size);
  }
  // Updated in place, record by record, whenever a round finds a nearer boundary point.
  const boundary = pointsAlong(images, far, await binarySearchBoundary(images, far, labels, size, schedule.binarySteps, query), size);

  for (let round = 1; round <= schedule.rounds; round += 1) {
    const distance = distances(images, boundary, size);
    // Gradient direction at the boundary point: random unit probes; adversarial answers pull the estimate their way.
    const m = schedule.gradientQueries;
    const probes = randoms.map((random) => Array.from({ length: m }, () => randomDirection(random, size)));
    const probePoints = new Float32Array(count * m * size);
    for (let r = 0; r < count; r += 1) {
      const delta = 0.1 * distance[r]!;
      for (let j = 0; j < m; j += 1) {
        const base = (r * m + j) * size;
        for (let i = 0; i < size; i += 1) probePoints[base + i] = boundary[r * size + i]! + delta * probes[r]![j]![i]!;
      }
    }
    const probed = await query(probePoints, count * m);
    const gradient = new Float64Array(count * size);
    for (let r = 0; r < count; r += 1) {
      const signs = Array.from({ length: m }, (_, j) => (probed[r * m + j] === labels[r] ? -1 : 1));
      const mean = signs.reduce((a, b) => a + b, 0) / m;
      // Subtracting the mean sign (HopSkipJump's baseline) lowers the variance, unless every probe agreed.
      const baseline = Math.abs(mean) === 1 ? 0 : mean;
      for (let j = 0; j < m; j += 1) {
        const weight = signs[j]! - baseline;
        for (let i = 0; i < size; i += 1) gradient[r * size + i] = gradient[r * size + i]! + weight * probes[r]![j]![i]!;
      }
      const length = norm(gradient.subarray(r * size, (r + 1) * size)) || 1;
      for (let i = r * size; i < (r + 1) * size; i += 1) gradient[i] = gradient[i]! / length;
    }
    // Geometric step along the estimated gradient, halving from distance/√round until a step stays adversarial.
    const steps = new Float32Array(count * schedule.stepTries * size);
    for (let r = 0; r < count; r += 1) {
      for (let k = 0; k < schedule.stepTries; k += 1) {
        const length = distance[r]! / Math.sqrt(round) / 2 ** k;
        const base = (r * schedule.stepTries + k) * size;
        for (let i = 0; i < size; i += 1) steps[base + i] = boundary[r * size + i]! + length * gradient[r * size + i]!;
      }
    }
    const stepped = await query(steps, count * schedule.stepTries);
    for (let r = 0; r < count; r += 1) {
      let k = 0;
      while (k < schedule.stepTries && stepped[r * schedule.stepTries + k] === labels[r]) k += 1;
      // No step stayed on the far side: search again from the boundary point itself.
      const source =
        k < schedule.stepTries
          ? steps.subarray((r * schedule.stepTries + k) * size, (r * schedule.stepTries + k + 1) * size)
          : boundary.subarray(r * size, (r + 1) * size);
      far.set(source, r * size);
    }
    const next = pointsAlong(images, far, await binarySearchBoundary(images, far, labels, size, schedule.binarySteps, query), size);
    // Keep whichever boundary point is nearer: a round whose step went astray does not undo an earlier one.
    const after = distances(images, next, size);
    for (let r = 0; r < count; r += 1) if (after[r]! < distance[r]!) boundary.set(next.subarray(r * size, (r + 1) * size), r * size);
  }
  const final = distances(images, boundary, size);
  const maxRadius = startRadius(firstRadius, schedule.startTries - 1);
  return Float64Array.from(final, (distance, r) => (correct[r] === 0 ? 0 : found[r] ? distance : maxRadius));
}

/** The radius of start try k: the pairs (k, k + 1) share one, eight times the pair before's. */
function startRadius(first: number, k: number): number {
  return first * 8 ** Math.floor(k / 2);
}

function pointsAlong(origins: Float32Array, far: Float32Array, t: Float64Array, size: number): Float32Array {
  const out = new Float32Array(origins.length);
  for (let r = 0; r < t.length; r += 1) {
    for (let i = r * size; i < (r + 1) * size; i += 1) out[i] = origins[i]! + t[r]! * (far[i]! - origins[i]!);
  }
  return out;
}

function distances(origins: Float32Array, points: Float32Array, size: number): Float64Array {
  const out = new Float64Array(origins.length / size);
  for (let r = 0; r < out.length; r += 1) {
    let sum = 0;
    for (let i = r * size; i < (r + 1) * size; i += 1) sum += (points[i]! - origins[i]!) ** 2;
    out[r] = Math.sqrt(sum);
  }
  return out;
}
