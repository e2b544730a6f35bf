// Thins a ROC curve for charts (log-spaced on FPR so the low-FPR region the auditor cares about keeps its
// detail). Only for drawing: every metric is computed from the full curve.
import { MiaError } from '../../common/errors';
import type { RocCurve } from './roc';

export interface DrawnRoc {
  readonly fpr: Float64Array;
  readonly tpr: Float64Array;
  readonly thresholds: Float64Array;
}

export const DEFAULT_DRAWN_ROC_POINTS = 200;

/**
 * At most `maxPoints` points of `roc`: the exact first and last points, the highest point at FPR = 0, and
 * for log-spaced FPR targets between 1/nonMembers and 1 the highest point whose FPR does not exceed the
 * target (the same reading as TPR@FPR, so the chart and the table agree).
 */
export function downsampleRocForDrawing(roc: RocCurve, maxPoints = DEFAULT_DRAWN_ROC_POINTS): DrawnRoc {
  if (!Number.isInteger(maxPoints) || maxPoints < 3) {
    throw new MiaError('metrics.invalid-drawing', `A drawn ROC needs at least 3 points; got ${String(maxPoints)}.`, { maxPoints });
  }
  const count = roc.fpr.length;
  if (count <= maxPoints) return { fpr: roc.fpr.slice(), tpr: roc.tpr.slice(), thresholds: roc.thresholds.slice() };
  const keep = new Set<number>([0, count - 1, lastIndexAtOrBelow(roc.fpr, 0)]);
  const targets = maxPoints - keep.size;
  const smallest = Math.log(1 / Math.max(roc.nonMembers, 1));
  for (let k = 0; k < targets; k++) {
    const target = Math.exp(smallest * (1 - k / Math.max(targets - 1, 1)));
    keep.add(lastIndexAtOrBelow(roc.fpr, target * (1 + 1e-12)));
  }
  const indices = [...keep].sort((a, b) => a - b);
  return {
    fpr: Float64Array.from(indices, (i) => roc.fpr[i]!),
    tpr: Float64Array.from(indices, (i) => roc.tpr[i]!),
    thresholds: Float64Array.from(indices, (i) => roc.thresholds[i]!),
  };
}

/** Last index whose value ≤ bound in a non-decreasing array starting at 0. */
function lastIndexAtOrBelow(nonDecreasing: Float64Array, bound: number): number {
  let low = 0;
  let high = nonDecreasing.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (nonDecreasing[middle]! <= bound) low = middle;
    else high = middle - 1;
  }
  return low;
}
