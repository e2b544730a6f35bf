// One record's prediction in float64, for the statistics that read probabilities: from the logits by log-softmax
// when the model gives logits, from the (clamped) probabilities only when it outputs nothing else.
import { clampProbability, type ClassifierOutputs } from './classifier-outputs';

/**
 * Float64 views of one record's prediction. From logits, a confident model's p_y stays distinguishable from 1:
 * float32 probabilities round 1 − p_y below ~6e-8 to exactly 1.0, which ties a model's most confident members at
 * the top of the ranking, where the low-FPR metrics are decided.
 */
export interface ProbabilityRow {
  readonly classes: number;
  readonly probability: Float64Array;
  readonly logProbability: Float64Array;
  /** 1 − p_k, kept accurate when p_k is near 1. */
  readonly complement: Float64Array;
  /** log(1 − p_k), kept accurate when p_k is near 1. */
  readonly logComplement: Float64Array;
}

/** log(1 − p) is never taken below this (p within one subnormal double of 1, i.e. a logit margin over ~745). */
const smallestLog = Math.log(Number.MIN_VALUE);

/** A reusable row; `readProbabilityRow` fills it for each record in turn. */
export function createProbabilityRow(classes: number): ProbabilityRow {
  return {
    classes,
    probability: new Float64Array(classes),
    logProbability: new Float64Array(classes),
    complement: new Float64Array(classes),
    logComplement: new Float64Array(classes),
  };
}

export function readProbabilityRow(outputs: ClassifierOutputs, record: number, into: ProbabilityRow): ProbabilityRow {
  const offset = record * outputs.classes;
  if (outputs.logits) fromLogits(outputs.logits.subarray(offset, offset + outputs.classes), into);
  else fromProbabilities(outputs.probabilities.subarray(offset, offset + outputs.classes), into);
  return into;
}

/**
 * log p_k = (z_k − m) − log1p(Σ_{j≠top} exp(z_j − m)), with m the largest logit at index `top`: log1p keeps the
 * sum's tail, so log p_top ≈ −Σ exp(z_j − m) instead of rounding to 0 once that sum drops below 2^−53.
 */
function fromLogits(logits: Float32Array, into: ProbabilityRow): void {
  let top = 0;
  for (let k = 1; k < logits.length; k++) if (logits[k]! > logits[top]!) top = k;
  const max = logits[top]!;
  let rest = 0;
  for (let k = 0; k < logits.length; k++) if (k !== top) rest += Math.exp(logits[k]! - max);
  const logNormaliser = Math.log1p(rest);
  for (let k = 0; k < logits.length; k++) {
    const logP = logits[k]! - max - logNormaliser;
    into.logProbability[k] = logP;
    into.probability[k] = Math.exp(logP);
    // 1 − e^x and log(1 − e^x) for x ≤ 0 without cancellation (Mächler 2012: expm1 above −ln 2, log1p below).
    into.complement[k] = -Math.expm1(logP);
    const logComplement = logP > -Math.LN2 ? Math.log(-Math.expm1(logP)) : Math.log1p(-Math.exp(logP));
    into.logComplement[k] = Math.max(smallestLog, logComplement);
  }
}

/** Probabilities only: the float32 values as given, clamped before any log so that 0 and 1 never give −∞. */
function fromProbabilities(probabilities: Float32Array, into: ProbabilityRow): void {
  for (let k = 0; k < probabilities.length; k++) {
    const p = probabilities[k]!;
    const clamped = clampProbability(p);
    into.probability[k] = p;
    into.logProbability[k] = Math.log(clamped);
    into.complement[k] = 1 - clamped;
    into.logComplement[k] = Math.log(1 - clamped);
  }
}
