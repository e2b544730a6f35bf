// What every diffusion attack module shares: the memory-budget parameter and the batch plan it gives, timestep
// checks against the model's schedule, the loop over record batches, and the run result (scores negated once here,
// model calls per record stored beside the metrics).
import { z } from 'zod';
import { MiaError } from '../../../common/errors';
import type { NoiseSchedule } from '../../diffusion/scheduler';
import type { AttackContext, AttackResult } from '../attack-module';
import type { RunRecord } from '../run-record';
import type { DiffusionModels, DiffusionTarget } from './diffusion-target';

export type DiffusionContext<Params> = AttackContext<Params, DiffusionTarget, DiffusionModels>;

/**
 * Bytes held per sample value while a batch is in flight: the repeated input, the noise and the noisy copy, a
 * DDIM state and x̂₀ (float64 each), plus the float32 copy fed to the model and ε (float32). Generous on purpose.
 */
export const bytesPerValueInFlight = 48;

export const batchMemoryParam = z
  .number()
  .int()
  .min(16)
  .max(65536)
  .default(256)
  .describe(
    'Memory budget in MiB for the samples of one batch (all repeats of several records go through the model together). Larger batches run a little faster; scores do not change, since each record draws its own noise.',
  );

/** Records scored together: as many as fit `budgetMiB` with `samplesPerRecord` copies of each in flight, at least one. */
export function recordsPerBatch(sampleSize: number, samplesPerRecord: number, budgetMiB: number): number {
  const perRecord = sampleSize * samplesPerRecord * bytesPerValueInFlight;
  return Math.max(1, Math.floor((budgetMiB * 1024 * 1024) / perRecord));
}

/** A timestep parameter must name a step of the model's schedule (1 … T−1; `reach` more steps must fit above it). */
export function checkTimestep(schedule: NoiseSchedule, attack: string, name: string, t: number, reach = 0): void {
  const last = schedule.timesteps - 1 - reach;
  if (!Number.isInteger(t) || t < 1 || t > last) {
    const above = reach > 0 ? ` (with ${reach} more steps above it)` : '';
    throw new MiaError(
      'run.invalid-params',
      `The ${attack} parameter ${name} = ${t} does not fit the model's schedule of ${schedule.timesteps} steps; it must be a whole number from 1 to ${last}${above}.`,
      {
        parameter: name,
      },
    );
  }
}

/**
 * Scores `records` batch by batch: `statistic` gets a batch of records and returns one statistic per record
 * (lower = member). The AbortSignal is checked between batches (the target also checks it between model chunks).
 */
export async function statisticsInBatches(
  ctx: DiffusionContext<unknown>,
  batchSize: number,
  statistic: (batch: readonly RunRecord[]) => Promise<Float64Array>,
): Promise<Float64Array> {
  const out = new Float64Array(ctx.records.length);
  for (let start = 0; start < ctx.records.length; start += batchSize) {
    ctx.signal.throwIfAborted();
    const batch = ctx.records.slice(start, start + batchSize);
    const values = await statistic(batch);
    if (values.length !== batch.length)
      throw new MiaError('attack.bad-result', `A batch of ${batch.length} records gave ${values.length} statistics.`);
    out.set(values, start);
  }
  return out;
}

/** The run result: statistics negated so that higher = member, and the model calls per record recorded. */
export function diffusionResult(
  ctx: DiffusionContext<unknown>,
  statistics: Float64Array,
  callsBefore: number,
  notes: readonly string[],
): AttackResult {
  const modelCalls = ctx.target.modelCalls - callsBefore;
  const perRecord = ctx.records.length > 0 ? modelCalls / ctx.records.length : 0;
  return {
    recordIds: Int32Array.from(ctx.records, (r) => r.id),
    scores: statistics.map((value) => -value),
    modelCalls,
    notes: [...notes, `${modelCalls} denoiser calls in all, ${perRecord} per record.`],
    extraMetrics: [
      { name: 'model_calls_per_record', value: perRecord, note: 'ε_θ evaluations per scored record (one per sample per timestep).' },
    ],
  };
}
