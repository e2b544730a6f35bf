// Seeded split plans: which records each shadow model (Shokri) or reference model (LiRA, RMIA) trains on.
// Pure functions of (pool, count, size, seed) — the same inputs always give the same plan — so a plan written
// for an auditor's own pipeline and a plan the training bridge runs are the same plan.
import { MiaError } from '../../common/errors';
import { SeededRandom } from '../random/seeded-random';

export interface PlannedModel {
  /** `shadow_00`, `ref_03`, …: also the stem of the ONNX file the model is exported to. */
  readonly name: string;
  /** Indices into the pool, ascending. */
  readonly trainOn: readonly number[];
  /** Indices into the pool the model must not see; its "out" records (Shokri) or the complementary half. */
  readonly heldOut: readonly number[];
}

const ascending = (values: ArrayLike<number>): number[] => Array.from(values).sort((a, b) => a - b);
const modelName = (prefix: string, index: number, count: number): string =>
  `${prefix}_${String(index).padStart(Math.max(2, String(count - 1).length), '0')}`;

/**
 * Shokri et al.: each shadow draws 2m records from the auxiliary pool without replacement, trains on the first m
 * and keeps the other m out. Draws are independent between shadows (a record may be in several shadows), and
 * each shadow has its own forked stream, so adding shadows never changes the earlier ones.
 */
export function planShadowSplits(poolSize: number, count: number, trainSize: number, seed: number): PlannedModel[] {
  if (!Number.isInteger(count) || count < 1)
    throw new MiaError('plan.bad-count', `A shadow plan needs at least one model; got count ${String(count)}.`);
  if (!Number.isInteger(trainSize) || trainSize < 1)
    throw new MiaError('plan.bad-train-size', `trainSize must be a whole number of at least 1; got ${String(trainSize)}.`);
  if (2 * trainSize > poolSize) {
    throw new MiaError(
      'plan.pool-too-small',
      `trainSize ${trainSize} needs 2 × ${trainSize} = ${2 * trainSize} auxiliary records per shadow (m in, m out), but the pool has ${poolSize}. Lower trainSize to at most ${Math.floor(poolSize / 2)} or add aux records.`,
      { poolSize, trainSize },
    );
  }
  const root = new SeededRandom(seed).fork('split-plan/shadow');
  return Array.from({ length: count }, (_, k) => {
    const draw = root.fork(`model/${k}`).sampleWithoutReplacement(poolSize, 2 * trainSize);
    return {
      name: modelName('shadow', k, count),
      trainOn: ascending(draw.subarray(0, trainSize)),
      heldOut: ascending(draw.subarray(trainSize)),
    };
  });
}

/**
 * Reference models for LiRA and RMIA, in complementary pairs: pair j shuffles the pool, model 2j trains on the
 * first half and model 2j+1 on the rest. With an even count every record is IN exactly count/2 models and OUT of
 * the others, which both the online LiRA statistics and RMIA's OUT-only averages need. An odd count leaves the last
 * model without its complement.
 */
export function planReferenceSplits(poolSize: number, count: number, seed: number): PlannedModel[] {
  if (!Number.isInteger(count) || count < 1)
    throw new MiaError('plan.bad-count', `A reference plan needs at least one model; got count ${String(count)}.`);
  if (poolSize < 2)
    throw new MiaError(
      'plan.pool-too-small',
      `Reference models train on halves of the audited records; the pool has ${poolSize}, at least 2 are needed.`,
      { poolSize },
    );
  const root = new SeededRandom(seed).fork('split-plan/reference');
  const half = Math.floor(poolSize / 2);
  const models: PlannedModel[] = [];
  for (let pair = 0; models.length < count; pair++) {
    const order = root.fork(`pair/${pair}`).shuffle(Int32Array.from({ length: poolSize }, (_, i) => i));
    const first = ascending(order.subarray(0, half));
    const second = ascending(order.subarray(half));
    models.push({ name: modelName('ref', models.length, count), trainOn: first, heldOut: second });
    if (models.length < count) models.push({ name: modelName('ref', models.length, count), trainOn: second, heldOut: first });
  }
  return models;
}
