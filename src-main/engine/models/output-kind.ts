// Classifier outputs: logits or probabilities, detected from the values when the configuration does not say.
export type ClassifierOutputKind = 'logits' | 'probabilities';

const sumTolerance = 1e-3;

/** Probabilities when every row is non-negative and sums to 1 within 1e-3; logits otherwise (softmax is applied to those). */
export function detectOutputKind(values: Float32Array, classes: number): ClassifierOutputKind {
  const rows = values.length / classes;
  for (let r = 0; r < rows; r += 1) {
    let sum = 0;
    for (let k = 0; k < classes; k += 1) {
      const v = values[r * classes + k] as number;
      if (!(v >= 0)) return 'logits';
      sum += v;
    }
    if (Math.abs(sum - 1) > sumTolerance) return 'logits';
  }
  return 'probabilities';
}

/** Row-wise softmax in float64 (max subtracted first), stored as float32. */
export function softmaxRows(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  const rows = logits.length / classes;
  const exps = new Float64Array(classes);
  for (let r = 0; r < rows; r += 1) {
    const base = r * classes;
    let max = -Infinity;
    for (let k = 0; k < classes; k += 1) max = Math.max(max, logits[base + k] as number);
    let sum = 0;
    for (let k = 0; k < classes; k += 1) {
      const e = Math.exp((logits[base + k] as number) - max);
      exps[k] = e;
      sum += e;
    }
    for (let k = 0; k < classes; k += 1) out[base + k] = (exps[k] as number) / sum;
  }
  return out;
}
