// How a set-level inference result is stored and shown: rows of the metrics table (name, slice, value, note), one per
// figure and one per point of the power curve, so the table needs no new column and ordinary runs simply have none.
// This module writes those rows, reads them back into one object, and gives the `set_inference` object that
// `mia audit --json` prints (and that a risk policy's `set_inference.p_value` reads).
import { z } from 'zod';
import type { StoredMetricRow } from './runs';

export const setInferenceRowNames = {
  /** The one-sided Mann–Whitney p-value; its note holds how it was computed ('exact' or 'normal'). */
  pValue: 'set_inference_p',
  u: 'set_inference_u',
  commonLanguage: 'set_inference_cles',
  rankBiserial: 'set_inference_rank_biserial',
  suspects: 'set_inference_suspects',
  references: 'set_inference_references',
  welchT: 'set_inference_welch_t',
  welchDf: 'set_inference_welch_df',
  welchP: 'set_inference_welch_p',
  cohensD: 'set_inference_cohens_d',
  /** 1 when both groups are large enough for Welch's t to be read, 0 otherwise. */
  welchAppropriate: 'set_inference_welch_appropriate',
  alpha: 'set_inference_alpha',
  powerDraws: 'set_inference_power_draws',
  /** One row per set size, slice `size:<n>`: the fraction of subsamples detected at `alpha`. */
  power: 'set_inference_power',
} as const;

export const SetInferenceWelch = z.object({
  t: z.number(),
  degreesOfFreedom: z.number(),
  pValue: z.number(),
  cohensD: z.number(),
  appropriate: z.boolean(),
});
export type SetInferenceWelch = z.infer<typeof SetInferenceWelch>;

export const SetInferencePowerPoint = z.object({ size: z.number().int().positive(), power: z.number().min(0).max(1) });

export const StoredSetInference = z.object({
  pValue: z.number().min(0).max(1),
  method: z.enum(['exact', 'normal']),
  u: z.number(),
  commonLanguage: z.number(),
  rankBiserial: z.number(),
  suspects: z.number().int().positive(),
  references: z.number().int().positive(),
  /** null with fewer than two records in a group. */
  welch: SetInferenceWelch.nullable(),
  alpha: z.number(),
  powerDraws: z.number().int().positive(),
  power: z.array(SetInferencePowerPoint),
});
export type StoredSetInference = z.infer<typeof StoredSetInference>;

type RowLike = Pick<StoredMetricRow, 'name' | 'slice' | 'value' | 'note'>;

function row(name: string, value: number | null, slice = '', note: string | null = null): StoredMetricRow {
  return { name, slice, value, ciLow: null, ciHigh: null, note };
}

export function setInferenceRows(result: StoredSetInference): StoredMetricRow[] {
  const n = setInferenceRowNames;
  const welch = result.welch;
  return [
    row(n.pValue, result.pValue, '', result.method),
    row(n.u, result.u),
    row(n.commonLanguage, result.commonLanguage),
    row(n.rankBiserial, result.rankBiserial),
    row(n.suspects, result.suspects),
    row(n.references, result.references),
    ...(welch
      ? [
          row(n.welchT, welch.t),
          row(n.welchDf, welch.degreesOfFreedom),
          row(n.welchP, welch.pValue),
          row(n.cohensD, welch.cohensD),
          row(n.welchAppropriate, welch.appropriate ? 1 : 0),
        ]
      : []),
    row(n.alpha, result.alpha),
    row(n.powerDraws, result.powerDraws),
    ...result.power.map((point) => row(n.power, point.power, `size:${point.size}`)),
  ];
}

/** The run's set-inference result from its stored rows; null for any other run (or with rows missing). */
export function readSetInference(rows: readonly RowLike[]): StoredSetInference | null {
  const n = setInferenceRowNames;
  const find = (name: string) => rows.find((r) => r.name === name && r.slice === '');
  const value = (name: string) => find(name)?.value ?? undefined;
  const welchP = value(n.welchP);
  const parsed = StoredSetInference.safeParse({
    pValue: value(n.pValue),
    method: find(n.pValue)?.note,
    u: value(n.u),
    commonLanguage: value(n.commonLanguage),
    rankBiserial: value(n.rankBiserial),
    suspects: value(n.suspects),
    references: value(n.references),
    welch:
      welchP === undefined
        ? null
        : {
            t: value(n.welchT),
            degreesOfFreedom: value(n.welchDf),
            pValue: welchP,
            cohensD: value(n.cohensD),
            appropriate: value(n.welchAppropriate) === 1,
          },
    alpha: value(n.alpha),
    powerDraws: value(n.powerDraws),
    power: rows
      .filter((r) => r.name === n.power && r.slice.startsWith('size:'))
      .map((r) => ({ size: Number(r.slice.slice('size:'.length)), power: r.value }))
      .sort((a, b) => a.size - b.size),
  });
  return parsed.success ? parsed.data : null;
}

/** The `set_inference` object of `mia audit --json`: snake_case like the rest of that output. */
export interface SetInferenceHeadline {
  p_value: number;
  /** The common-language effect size: the chance that a random suspect outscores a random reference (0.5 = none). */
  effect_size: number;
  rank_biserial: number;
  method: 'exact' | 'normal';
  suspects: number;
  references: number;
  welch: { t: number; df: number; p_value: number; cohens_d: number; appropriate: boolean } | null;
  alpha: number;
  power: { size: number; power: number; draws: number }[];
}

export function setInferenceHeadline(result: StoredSetInference): SetInferenceHeadline {
  const welch = result.welch;
  return {
    p_value: result.pValue,
    effect_size: result.commonLanguage,
    rank_biserial: result.rankBiserial,
    method: result.method,
    suspects: result.suspects,
    references: result.references,
    welch: welch
      ? { t: welch.t, df: welch.degreesOfFreedom, p_value: welch.pValue, cohens_d: welch.cohensD, appropriate: welch.appropriate }
      : null,
    alpha: result.alpha,
    power: result.power.map((point) => ({ size: point.size, power: point.power, draws: result.powerDraws })),
  };
}
