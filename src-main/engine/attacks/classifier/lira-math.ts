// LiRA (Carlini et al. 2022) as pure functions: the logit-scaled confidence φ, and the online and offline
// likelihood-ratio tests over reference models whose training sets are known.
import { clampProbability, type ClassifierOutputs } from './classifier-outputs';
import { logStandardNormalCdf } from '../../metrics/normal-distribution';

/**
 * φ = z_y − logsumexp_{k≠y} z_k from logits; from probabilities only, φ = log p_y − log Σ_{k≠y} p_k.
 * Both equal log(p_y / (1 − p_y)) in exact arithmetic; the logit form keeps precision for confident models.
 */
export function liraStatistic(outputs: ClassifierOutputs, labels: ArrayLike<number>): Float64Array {
  const { classes } = outputs;
  const phi = new Float64Array(labels.length);
  for (let row = 0; row < labels.length; row++) {
    const y = labels[row]!;
    const offset = row * classes;
    if (outputs.logits) {
      let max = -Infinity;
      for (let k = 0; k < classes; k++) if (k !== y) max = Math.max(max, outputs.logits[offset + k]!);
      let sum = 0;
      for (let k = 0; k < classes; k++) if (k !== y) sum += Math.exp(outputs.logits[offset + k]! - max);
      phi[row] = outputs.logits[offset + y]! - (max + Math.log(sum));
    } else {
      let others = 0;
      for (let k = 0; k < classes; k++) if (k !== y) others += outputs.probabilities[offset + k]!;
      phi[row] = Math.log(clampProbability(outputs.probabilities[offset + y]!)) - Math.log(clampProbability(others));
    }
  }
  return phi;
}

export interface LiraInputs {
  /** φ of each record under the target. */
  readonly target: Float64Array;
  /** φ of each record under each reference model: references[m][record]. */
  readonly references: readonly Float64Array[];
  /** inModel[m][record] = 1 when reference m trained on the record. */
  readonly inModel: readonly Uint8Array[];
}

export interface LiraOptions {
  readonly variant: 'online' | 'offline';
  readonly fixedVariance: boolean;
  /** Records whose reference statistics enter the pooled (fixed) variance; all records when absent. */
  readonly pooledRecords?: Uint8Array;
}

export interface LiraOutcome {
  readonly scores: Float64Array;
  /** Records the online test scored offline because no reference model had trained on them. */
  readonly offlineFallbacks: number;
  /** Records with no OUT reference at all: they get the lowest score, and the run says so. */
  readonly unscorable: number;
}

const minStd = 1e-6;

function meanAndVariance(values: number[]): { mean: number; variance: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, variance: squares / values.length };
}

/**
 * The pooled standard deviation of one side (IN or OUT) over the pooled records: each record's values are centred
 * on that record's own mean, and the squared deviations are summed over records with n − 1 degrees of freedom
 * each, so records with many reference models weigh in proportion.
 */
function pooledStd(groups: number[][], pooled: (index: number) => boolean): number {
  let squares = 0;
  let freedom = 0;
  groups.forEach((values, index) => {
    if (!pooled(index) || values.length < 2) return;
    const { mean } = meanAndVariance(values);
    for (const v of values) squares += (v - mean) ** 2;
    freedom += values.length - 1;
  });
  return freedom > 0 ? Math.max(minStd, Math.sqrt(squares / freedom)) : 1;
}

function logNormalDensity(x: number, mean: number, std: number): number {
  const z = (x - mean) / std;
  return -0.5 * z * z - Math.log(std) - 0.5 * Math.log(2 * Math.PI);
}

export function liraScores(inputs: LiraInputs, options: LiraOptions): LiraOutcome {
  const count = inputs.target.length;
  const ins: number[][] = [];
  const outs: number[][] = [];
  for (let r = 0; r < count; r++) {
    const inside: number[] = [];
    const outside: number[] = [];
    inputs.references.forEach((values, m) => (inputs.inModel[m]![r] ? inside : outside).push(values[r]!));
    ins.push(inside);
    outs.push(outside);
  }
  const pooled = (index: number): boolean => options.pooledRecords === undefined || options.pooledRecords[index] === 1;
  const fixedIn = options.fixedVariance ? pooledStd(ins, pooled) : 0;
  const fixedOut = options.fixedVariance ? pooledStd(outs, pooled) : 0;
  const scores = new Float64Array(count);
  let offlineFallbacks = 0;
  let unscorable = 0;
  for (let r = 0; r < count; r++) {
    const x = inputs.target[r]!;
    if (outs[r]!.length === 0) {
      unscorable++;
      scores[r] = -Infinity;
      continue;
    }
    const out = meanAndVariance(outs[r]!);
    const stdOut = options.fixedVariance ? fixedOut : Math.max(minStd, Math.sqrt(out.variance));
    if (options.variant === 'online' && ins[r]!.length > 0) {
      const inn = meanAndVariance(ins[r]!);
      const stdIn = options.fixedVariance ? fixedIn : Math.max(minStd, Math.sqrt(inn.variance));
      scores[r] = logNormalDensity(x, inn.mean, stdIn) - logNormalDensity(x, out.mean, stdOut);
    } else {
      if (options.variant === 'online') offlineFallbacks++;
      scores[r] = logStandardNormalCdf((x - out.mean) / stdOut);
    }
  }
  // An unscorable record ranks below every other, but scores must stay finite for storage.
  if (unscorable > 0) {
    let lowest = Infinity;
    for (const s of scores) if (Number.isFinite(s)) lowest = Math.min(lowest, s);
    for (let r = 0; r < count; r++) if (!Number.isFinite(scores[r]!)) scores[r] = (Number.isFinite(lowest) ? lowest : 0) - 1;
  }
  return { scores, offlineFallbacks, unscorable };
}
