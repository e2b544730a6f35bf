// RMIA (Zarifzadeh et al. 2024), offline, as a pure function: each record's likelihood ratio against a
// population of known non-members, where Pr(x) averages only the reference models that did not train on x.
import { auc } from '../../metrics/roc';

export interface RmiaInputs {
  /** p_y(x) under the target, for the records to score and then for the population. */
  readonly targetRecords: Float64Array;
  readonly targetPopulation: Float64Array;
  /** p_y under each reference model: [model][record] and [model][population record]. */
  readonly referenceRecords: readonly Float64Array[];
  readonly referencePopulation: readonly Float64Array[];
  /** inModel[m][record] = 1 when reference m trained on the record; likewise for the population. */
  readonly inRecords: readonly Uint8Array[];
  readonly inPopulation: readonly Uint8Array[];
}

export interface RmiaOptions {
  /** Offline scaling a ∈ [0, 1]: Pr(x) = ½[(1+a)·Pr_OUT(x) + (1−a)]. */
  readonly a: number;
  /** Threshold γ on the pairwise likelihood ratio. */
  readonly gamma: number;
}

export interface RmiaOutcome {
  readonly scores: Float64Array;
  /** Records (or population records) that no OUT reference covered; their Pr_OUT falls back to all references. */
  readonly withoutOutModels: number;
}

function offlinePrior(
  values: readonly Float64Array[],
  inModel: readonly Uint8Array[],
  index: number,
  a: number,
): { prior: number; fallback: boolean } {
  let sum = 0;
  let n = 0;
  for (let m = 0; m < values.length; m++) {
    if (inModel[m]![index]) continue;
    sum += values[m]![index]!;
    n++;
  }
  let fallback = false;
  if (n === 0) {
    fallback = true;
    for (const v of values) sum += v[index]!;
    n = values.length;
  }
  const outMean = sum / n;
  return { prior: 0.5 * ((1 + a) * outMean + (1 - a)), fallback };
}

export function rmiaScores(inputs: RmiaInputs, options: RmiaOptions): RmiaOutcome {
  let withoutOutModels = 0;
  const ratio = (target: Float64Array, refs: readonly Float64Array[], inModel: readonly Uint8Array[]): Float64Array => {
    const out = new Float64Array(target.length);
    for (let i = 0; i < target.length; i++) {
      const { prior, fallback } = offlinePrior(refs, inModel, i, options.a);
      if (fallback) withoutOutModels++;
      out[i] = target[i]! / prior;
    }
    return out;
  };
  const recordRatio = ratio(inputs.targetRecords, inputs.referenceRecords, inputs.inRecords);
  const populationRatio = ratio(inputs.targetPopulation, inputs.referencePopulation, inputs.inPopulation).sort();
  const scores = new Float64Array(recordRatio.length);
  const population = populationRatio.length;
  for (let i = 0; i < recordRatio.length; i++) {
    // LR(x, z) ≥ γ  ⇔  ratio(z) ≤ ratio(x) / γ: count population ratios at or below the bound.
    scores[i] = countAtOrBelow(populationRatio, recordRatio[i]! / options.gamma) / population;
  }
  return { scores, withoutOutModels };
}

function countAtOrBelow(sorted: Float64Array, bound: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Candidate values of a when it is tuned: 0, 0.05, …, 1. */
export const offlineAGrid: readonly number[] = Array.from({ length: 21 }, (_, i) => i / 20);

export interface TunedA {
  readonly a: number;
  /** Mean AUC over the pseudo-targets, per candidate of `offlineAGrid`. */
  readonly meanAuc: readonly number[];
  /** Reference models that served as pseudo-target (those with both IN and OUT records). */
  readonly pseudoTargets: number;
}

/**
 * The paper's way to pick the offline a without touching the target: each reference model in turn plays the
 * target, attacked with the other references, and its own manifest says which records it trained on. The a with
 * the highest AUC averaged over those pseudo-targets wins (ties: the smaller a). Only reference outputs are read.
 */
export function tuneOfflineA(inputs: Omit<RmiaInputs, 'targetRecords' | 'targetPopulation'>, gamma: number): TunedA | null {
  const models = inputs.referenceRecords.length;
  const without = <T>(list: readonly T[], skip: number): T[] => list.filter((_, m) => m !== skip);
  const pseudo = Array.from({ length: models }, (_, m) => m).filter((m) => {
    const inside = inputs.inRecords[m]!.reduce((n, v) => n + v, 0);
    return inside > 0 && inside < inputs.inRecords[m]!.length;
  });
  if (models < 2 || pseudo.length === 0) return null;
  // Each pseudo-target's inputs are the same for every candidate a: build them once.
  const attacks = pseudo.map((m) => ({
    truth: inputs.inRecords[m]!,
    inputs: {
      targetRecords: inputs.referenceRecords[m]!,
      targetPopulation: inputs.referencePopulation[m]!,
      referenceRecords: without(inputs.referenceRecords, m),
      referencePopulation: without(inputs.referencePopulation, m),
      inRecords: without(inputs.inRecords, m),
      inPopulation: without(inputs.inPopulation, m),
    },
  }));
  const meanAuc = offlineAGrid.map((a) => {
    let total = 0;
    for (const attack of attacks) total += auc(rmiaScores(attack.inputs, { a, gamma }).scores, attack.truth);
    return total / attacks.length;
  });
  let best = 0;
  meanAuc.forEach((value, i) => {
    if (value > meanAuc[best]!) best = i;
  });
  return { a: offlineAGrid[best]!, meanAuc, pseudoTargets: pseudo.length };
}
