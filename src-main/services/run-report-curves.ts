// Chart data of one run, computed in the backend so the Compare view stays light with 50,000 scores per run:
// the ROC thinned for drawing (log-spaced on FPR), member / non-member score histograms over shared bins, and
// the per-class AUC read from the stored metrics (so the bars and the report agree).
import type { ParsedRequestOf, RunCurves } from '../../src-shared/contract/contract';
import { downsampleRocForDrawing } from '../engine/metrics/roc-for-drawing';
import { rocCurve } from '../engine/metrics/roc';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { readMetrics } from '../workspace/runs-repo';
import { auditedScores, createRunScoresReader, withGroundTruth, type RunScoresReader } from './run-report-scores';

export function runCurves(
  db: WorkspaceDb,
  request: ParsedRequestOf<'runs.curves'>,
  scoresOf: RunScoresReader = createRunScoresReader(db),
): RunCurves {
  const audited = auditedScores(scoresOf(request.runId));
  const truth = withGroundTruth(audited);
  const drawable = truth.members > 0 && truth.nonMembers > 0;
  const drawn = drawable ? downsampleRocForDrawing(rocCurve(truth.scores, truth.labels), request.maxPoints) : null;
  const perClass = readMetrics(db, request.runId)
    .filter((row) => row.name === 'auc' && row.slice.startsWith('class:'))
    .map((row) => {
      const classIndex = Number(row.slice.slice('class:'.length));
      return { classIndex, className: audited.classNames?.[classIndex] ?? null, auc: row.value, note: row.note };
    })
    .sort((a, b) => a.classIndex - b.classIndex);
  return {
    runId: request.runId,
    members: truth.members,
    nonMembers: truth.nonMembers,
    roc: {
      fpr: drawn ? Float64Array.from(drawn.fpr) : new Float64Array(0),
      tpr: drawn ? Float64Array.from(drawn.tpr) : new Float64Array(0),
    },
    histogram: scoreHistogram(truth.scores, truth.labels, request.bins),
    perClass,
  };
}

/** Tukey's far-out fences: quartiles ± 3 × the interquartile range. */
const fenceFactor = 3;

/**
 * Counts per bin over edges shared by both groups, so the two bars of a bin compare like with like. Attack scores are
 * often heavily skewed (log-probabilities pile up just below 0 with a long tail), so the edges span Tukey's far-out
 * fences rather than the full range; the records beyond fall into the first or last bin (counted in `tails`), so
 * every record is in the picture and a few outliers cannot squash the rest into one bar.
 */
export function scoreHistogram(scores: Float64Array, labels: Uint8Array, bins: number): RunCurves['histogram'] {
  const members = new Int32Array(bins);
  const nonMembers = new Int32Array(bins);
  if (scores.length === 0)
    return { edges: new Float64Array(0), members: new Int32Array(0), nonMembers: new Int32Array(0), tails: { below: 0, above: 0 } };
  const sorted = Float64Array.from(scores).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
  const minimum = sorted[0]!;
  const maximum = sorted[sorted.length - 1]!;
  const spread = at(0.75) - at(0.25);
  let low = Math.max(minimum, at(0.25) - fenceFactor * spread);
  let high = Math.min(maximum, at(0.75) + fenceFactor * spread);
  // Half the scores tied (spread 0): fall back to the full range.
  if (high === low) {
    low = minimum;
    high = maximum;
  }
  // All scores equal: one unit-wide range around them, so the single bar still has a width.
  if (high === low) {
    low -= 0.5;
    high += 0.5;
  }
  const width = (high - low) / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => (i === bins ? high : low + i * width));
  let below = 0;
  let above = 0;
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    if (score < low) below += 1;
    if (score > high) above += 1;
    const bin = Math.min(bins - 1, Math.max(0, Math.floor((score - low) / width)));
    if (labels[i] === 1) members[bin] += 1;
    else nonMembers[bin] += 1;
  }
  return { edges, members, nonMembers, tails: { below, above } };
}
