// The workbench's only source of randomness: a seeded xoshiro128** generator whose streams are reproducible
// bit-for-bit (pure 32-bit integer arithmetic) and can be forked by name into independent child streams.
import { MiaError } from '../../common/errors';

const TWO_POW_32 = 4294967296;
const TWO_POW_31 = 2147483648;
const TWO_POW_53 = 9007199254740992;
const TWO_POW_26 = 67108864;

/** Murmur3's 32-bit finaliser: a bijection with good avalanche, used to spread seed material. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds one 32-bit word into a 128-bit key; each lane sees the word and its neighbour so lanes diverge. */
function absorb(key: Uint32Array, word: number): void {
  for (let lane = 0; lane < 4; lane++) {
    const neighbour = key[(lane + 3) & 3]!;
    key[lane] = mix32((key[lane]! ^ word) + Math.imul(lane + 1, 0x9e3779b9) + neighbour);
  }
}

function absorbText(key: Uint32Array, text: string): void {
  for (let i = 0; i < text.length; i++) absorb(key, text.charCodeAt(i));
  absorb(key, text.length);
}

// Distinct tags keep a numeric seed, a text seed and a fork label from ever producing the same key.
const TAG_NUMBER_SEED = 0x5eed0001;
const TAG_TEXT_SEED = 0x5eed0002;
const TAG_FORK = 0x5eed0003;

function keyFromSeed(seed: number | string): Uint32Array {
  const key = new Uint32Array([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344]);
  if (typeof seed === 'string') {
    absorb(key, TAG_TEXT_SEED);
    absorbText(key, seed);
    return key;
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new MiaError(
      'random.invalid-seed',
      `A random seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER} or a text; got ${String(seed)}.`,
      { seed },
    );
  }
  absorb(key, TAG_NUMBER_SEED);
  absorb(key, seed % TWO_POW_32);
  absorb(key, Math.floor(seed / TWO_POW_32));
  return key;
}

/** Seed material of a forked stream; not exported, so only `fork` can make one. */
class ForkedSeed {
  constructor(
    readonly path: string,
    readonly key: Uint32Array,
  ) {}
}

/**
 * A seeded generator. The stream depends only on the seed (and fork labels), never on wall time or
 * `Math.random`. `fork(label)` derives a child from the *seed key*, not from the current state, so a
 * phase that draws more or fewer numbers never shifts the numbers another phase gets.
 */
export class SeededRandom {
  /** Human-readable origin of this stream, e.g. `42/bootstrap/auc`, for run logs. */
  readonly path: string;
  private readonly key: Uint32Array;
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number | string | ForkedSeed) {
    if (seed instanceof ForkedSeed) {
      this.path = seed.path;
      this.key = seed.key;
    } else {
      this.path = String(seed);
      this.key = keyFromSeed(seed);
    }
    [this.s0, this.s1, this.s2, this.s3] = SeededRandom.stateFromKey(this.key);
  }

  private static stateFromKey(key: Uint32Array): [number, number, number, number] {
    // An all-zero state would make xoshiro emit zeros forever; the mixing makes it practically impossible,
    // but the guard costs nothing.
    const state: [number, number, number, number] = [key[0]! | 0, key[1]! | 0, key[2]! | 0, key[3]! | 0];
    if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
    return state;
  }

  /** An independent child stream named `label`; the same parent seed and label always give the same stream. */
  fork(label: string): SeededRandom {
    const key = new Uint32Array(this.key);
    absorb(key, TAG_FORK);
    absorbText(key, label);
    return new SeededRandom(new ForkedSeed(`${this.path}/${label}`, key));
  }

  /** The next 32-bit unsigned integer (xoshiro128**). */
  uint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0;
    const shifted = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= shifted;
    this.s3 = rotateLeft(this.s3, 11);
    return result;
  }

  /** A float in [0, 1) with 53 random bits. */
  next(): number {
    const high = this.uint32() >>> 5;
    const low = this.uint32() >>> 6;
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  }

  /** A uniform integer in [0, n), without modulo bias; n from 1 to 2^32. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new MiaError('random.invalid-range', `nextInt needs a whole number from 1 to 2^32; got ${String(n)}.`, { n });
    }
    // Reject the top sliver of the range that does not divide evenly by n. Up to 2^31 the draw is cut to 31
    // bits: V8 then keeps it a small integer and `%` is an integer remainder instead of a float fmod
    // (five times faster in the bootstrap, which inlines the same rule via `indexBelow`).
    if (n <= TWO_POW_31) return indexBelow(this, n, TWO_POW_31 - (TWO_POW_31 % n));
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const value = this.uint32();
      if (value < limit) return value % n;
    }
  }

  /** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.next())); // 1 − u lies in (0, 1], so the log is finite
    const angle = 2 * Math.PI * this.next();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Fills `target` with standard normal draws and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(target: T): T {
    for (let i = 0; i < target.length; i++) target[i] = this.normal();
    return target;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const held = items[i];
      items[i] = items[j];
      items[j] = held;
    }
    return items;
  }

  /** `count` distinct indices from [0, population), in random order; O(count) time and memory. */
  sampleWithoutReplacement(population: number, count: number): Int32Array {
    if (
      !Number.isInteger(population) ||
      population < 0 ||
      population > 0x7fffffff ||
      !Number.isInteger(count) ||
      count < 0 ||
      count > population
    ) {
      throw new MiaError(
        'random.invalid-sample',
        `Cannot draw ${String(count)} distinct items from a population of ${String(population)}.`,
        { population, count },
      );
    }
    // A partial Fisher–Yates over a virtual identity array: only the swapped positions are stored.
    const swapped = new Map<number, number>();
    const sample = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const j = i + this.nextInt(population - i);
      const atJ = swapped.get(j) ?? j;
      const atI = swapped.get(i) ?? i;
      sample[i] = atJ;
      swapped.set(j, atI);
    }
    return sample;
  }
}

function rotateLeft(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

/** The 31-bit rejection-sampling step of `nextInt`, exported so hot loops can precompute `limit` once. */
export function indexBelow(random: SeededRandom, n: number, limit: number): number {
  let value = random.uint32() >>> 1;
  while (value >= limit) value = random.uint32() >>> 1;
  return value % n;
}

/** The `limit` argument of `indexBelow` for a population of n ≤ 2^31. */
export function indexLimit(n: number): number {
  return TWO_POW_31 - (TWO_POW_31 % n);
}
