// What every diffusion attack module shares: the memory-budget parameter and the batch plan it gives, the model-call
// estimate per component, timestep checks against the model's schedule, the loop over record batches, and the run
// result (scores negated once here, model calls per record stored beside the metrics).
import { z } from 'zod';
import { MiaError } from '../../../common/errors';
import { describeModelCalls, totalModelCalls, type ModelCallBreakdown } from '../../../../src-shared/domain/model-calls';
import type { NoiseSchedule } from '../../diffusion/scheduler';
import type { AttackContext, AttackResult, EstimateCounts } from '../attack-module';
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

/**
 * The conditioning parameters every diffusion attack shares (spread into each attack's schema), so conditional
 * targets are run the same way whichever statistic is computed.
 */
export const conditioningParams = {
  prompt: z
    .enum(['caption', 'empty', 'fixed'])
    .default('caption')
    .describe(
      'Text-conditional targets: the prompt each record is scored with — its own caption (the default), the empty prompt, or fixedPrompt for every record. Other targets ignore it.',
    ),
  fixedPrompt: z.string().max(1000).default('').describe('The prompt used for every record when prompt is "fixed" (which needs one).'),
  guidanceScale: z
    .number()
    .min(0)
    .max(100)
    .default(1)
    .describe(
      "Classifier-free guidance scale s for conditional targets. The default 1 feeds the condition only (the record's label or prompt); another value adds an unconditional pass with the null class or the empty prompt, ε = ε_u + s·(ε_c − ε_u), which doubles the denoiser calls. Unconditional targets accept only 1.",
    ),
};

/** Denoiser calls per ε evaluation: two with guidance (the conditional and the unconditional pass), else one. */
export const callsPerEpsilon = (params: { guidanceScale: number }): number => (params.guidanceScale === 1 ? 1 : 2);

/** What one diffusion attack does to each record, whatever the target: its ε evaluations and the copies it decodes. */
export interface DiffusionWorkPerRecord {
  /** ε_θ evaluations per record (timesteps × copies), before guidance doubles them. */
  readonly epsilonEvaluations: number;
  /** Reconstructions decoded back to pixels per record, on a latent target (ReDiffuse's copies); 0 when none are. */
  readonly decodedCopies: number;
}

/**
 * The model calls of a diffusion attack per component, the one count the estimate, the progress total and a finished
 * run share (diffusion-targets.ts counts the same calls as they happen). Per record: the denoiser once per ε evaluation
 * (twice with guidance); on a latent target the VAE encoder once (the record's latent) and the decoder once per decoded
 * copy; on a text-conditional target the text encoder once (the record's prompt), plus once per run for the empty
 * prompt of the guidance pass.
 */
export function diffusionModelCalls(
  work: DiffusionWorkPerRecord,
  params: { guidanceScale: number },
  counts: EstimateCounts,
): ModelCallBreakdown {
  const { audited, target } = counts;
  const calls: ModelCallBreakdown = { unet: audited * work.epsilonEvaluations * callsPerEpsilon(params) };
  if (target.latent) {
    calls.vae_encoder = audited;
    if (work.decodedCopies > 0) calls.vae_decoder = audited * work.decodedCopies;
  }
  if (target.conditioning === 'text') calls.text_encoder = audited + (params.guidanceScale !== 1 && audited > 0 ? 1 : 0);
  return calls;
}

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
  callsBefore: ModelCallBreakdown,
  notes: readonly string[],
): AttackResult {
  const after = ctx.target.modelCallsByComponent;
  const made: ModelCallBreakdown = Object.fromEntries(
    Object.entries(after).map(([component, calls]) => [
      component,
      (calls ?? 0) - (callsBefore[component as keyof ModelCallBreakdown] ?? 0),
    ]),
  );
  const modelCalls = totalModelCalls(made);
  const perRecord = ctx.records.length > 0 ? modelCalls / ctx.records.length : 0;
  return {
    recordIds: Int32Array.from(ctx.records, (r) => r.id),
    scores: statistics.map((value) => -value),
    modelCalls,
    notes: [...notes, `${modelCalls} model calls in all (${describeModelCalls(made)}), ${perRecord} per record.`],
    extraMetrics: [
      {
        name: 'model_calls_per_record',
        value: perRecord,
        note: 'Model calls per scored record: the denoiser once per sample per timestep (twice with classifier-free guidance), and for pipelines the VAE encoder and decoder once per image and the text encoder once per prompt.',
      },
    ],
  };
}
