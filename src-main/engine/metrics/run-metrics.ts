// Every metric of one run in one plain object (each defined in the module that computes it): AUC, TPR at FPR
// bounds, balanced accuracy, advantage, precision/recall at an operating threshold, bootstrap intervals, per-class AUC,
// the empirical ε lower bound and the Gaussian-DP μ.
import type { MetricName } from '../../../src-shared/domain/metric-names';
import { privacyBoundRows } from '../../../src-shared/domain/privacy-bound';
import type { SeededRandom } from '../random/seeded-random';
import { balancedSubsample } from './balanced-subsample';
import { DEFAULT_EPSILON_CONFIDENCE, DEFAULT_EPSILON_DELTA, epsilonLowerBound } from './epsilon-lower-bound';
import { gdpMuFromAuc } from './gdp';
import { bootstrapIntervals, DEFAULT_BOOTSTRAP_RESAMPLES, DEFAULT_CONFIDENCE, type BootstrapIntervals } from './bootstrap';
import { precisionRecallAtThreshold, thresholdMaximisingBalancedAccuracy, type PrecisionRecall } from './operating-point';
import { perClassAuc } from './per-class-auc';
import type { Interval } from './percentile';
import { rankScores } from './ranked-scores';
import { aucFromRanked, rocFromRanked } from './roc';
import type { MetricRow, OperatingPointSource, RunMetrics } from './run-metrics-schema';
import { countClasses } from './score-inputs';
import { advantage, balancedAccuracy, tprAtFpr } from './threshold-metrics';

export const DEFAULT_FPR_BOUNDS: readonly number[] = [0.001, 0.01, 0.1];

/** Where the precision/recall threshold comes from. */
export type OperatingPointRequest =
  | { readonly source: 'calibration'; readonly scores: Float64Array; readonly labels: Uint8Array }
  | { readonly source: 'fixed'; readonly threshold: number; readonly reason: string };

export interface RunMetricsInput {
  /** Scores of the evaluated records (ground truth known), higher = member. */
  readonly scores: Float64Array;
  /** 1 = member, 0 = non-member, aligned with `scores`. */
  readonly labels: Uint8Array;
  /** The run's metrics stream; forked here into `balanced-subsample` and `bootstrap`. */
  readonly random: SeededRandom;
  /** True class of each record, for per-class AUC (classifier targets). */
  readonly classOfRecord?: ArrayLike<number> | null;
  readonly classNames?: readonly string[];
  readonly operatingPoint?: OperatingPointRequest | null;
  readonly fprBounds?: readonly number[];
  /** Bootstrap resamples for the intervals; 0 leaves the intervals out. */
  readonly bootstrapResamples?: number;
  readonly confidence?: number;
  /** Evaluate on a balanced subsample (equal members and non-members) instead of all records. */
  readonly balanced?: boolean;
  /** δ of the empirical ε lower bound (default 1e-5). */
  readonly epsilonDelta?: number;
}

export function tprMetricName(alpha: number): string {
  return `tpr@${alpha}`;
}

export function computeRunMetrics(input: RunMetricsInput): RunMetrics {
  const fprBounds = input.fprBounds ?? DEFAULT_FPR_BOUNDS;
  const resamples = input.bootstrapResamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const confidence = input.confidence ?? DEFAULT_CONFIDENCE;
  let { scores, labels } = input;
  let classOfRecord = input.classOfRecord ?? null;
  countClasses(scores, labels, 'the run scores');
  if (input.balanced) {
    const picked = balancedSubsample(labels, input.random.fork('balanced-subsample'));
    scores = Float64Array.from(picked, (i) => scores[i]!);
    labels = Uint8Array.from(picked, (i) => labels[i]!);
    if (classOfRecord) {
      const classes = classOfRecord;
      classOfRecord = Int32Array.from(picked, (i) => classes[i]!);
    }
  }
  const counts = countClasses(scores, labels, 'the run scores');
  const rows: MetricRow[] = [row('members', counts.members, null, null), row('non_members', counts.nonMembers, null, null)];
  const bothClasses = counts.members > 0 && counts.nonMembers > 0;
  const operating = resolveOperatingPoint(input.operatingPoint ?? null, scores, labels);

  if (!bothClasses) {
    const note = `n/a: needs at least one member and one non-member; got ${counts.members} members and ${counts.nonMembers} non-members.`;
    for (const name of ['auc', ...fprBounds.map(tprMetricName), 'balanced_accuracy', 'advantage']) rows.push(row(name, null, null, note));
  } else {
    const ranked = rankScores(scores, labels, 'the run scores');
    const roc = rocFromRanked(ranked);
    const intervals: BootstrapIntervals | null =
      resamples > 0 ? bootstrapIntervals(ranked, { random: input.random.fork('bootstrap'), resamples, confidence, fprBounds }) : null;
    rows.push(row('auc', aucFromRanked(ranked), intervals?.auc ?? null, null));
    fprBounds.forEach((alpha, b) => {
      const value = tprAtFpr(roc, alpha);
      const note =
        value === null
          ? `n/a: ${counts.nonMembers} non-members are too few to measure a false-positive rate of ${alpha} (at least ${Math.ceil(1 / alpha - 1e-9)} needed).`
          : null;
      rows.push(row(tprMetricName(alpha), value, intervals?.tprAtFpr[b]?.interval ?? null, note));
    });
    rows.push(row('balanced_accuracy', balancedAccuracy(roc), intervals?.balancedAccuracy ?? null, null));
    rows.push(row('advantage', advantage(roc), intervals?.advantage ?? null, null));
  }
  rows.push(
    row(
      'precision',
      operating.result?.precision ?? null,
      null,
      operating.result?.precision === null ? 'n/a: no record scored at or above the operating threshold.' : operating.note,
    ),
  );
  rows.push(row('recall', operating.result?.recall ?? null, null, operating.note));
  rows.push(row('operating_threshold', operating.threshold, null, operating.note));

  const delta = input.epsilonDelta ?? DEFAULT_EPSILON_DELTA;
  const aucValue = rows.find((entry) => entry.name === 'auc')?.value ?? null;
  rows.push(...privacyRows(scores, labels, input.operatingPoint ?? null, delta, aucValue));

  const perClass = classOfRecord ? perClassAuc(scores, labels, classOfRecord, input.classNames) : [];
  for (const entry of perClass) rows.push({ ...row('auc', entry.auc, null, entry.note), slice: `class:${entry.classIndex}` });

  return {
    members: counts.members,
    nonMembers: counts.nonMembers,
    balanced: input.balanced ?? false,
    bootstrap: bothClasses && resamples > 0 ? { resamples, confidence, stream: input.random.fork('bootstrap').path } : null,
    operatingPoint: { source: operating.source, threshold: operating.threshold, note: operating.note },
    metrics: rows,
    perClass,
  };
}

/** The row called `name` for `slice` ('' = the whole audit set). */
export function findMetric(metrics: RunMetrics, name: MetricName, slice = ''): MetricRow | undefined {
  return metrics.metrics.find((entry) => entry.name === name && entry.slice === slice);
}

/** ε lower bound and Gaussian-DP μ; the threshold is chosen on the calibration records whenever the run has them. */
function privacyRows(
  scores: Float64Array,
  labels: Uint8Array,
  operatingPoint: OperatingPointRequest | null,
  delta: number,
  auc: number | null,
): MetricRow[] {
  if (auc === null) {
    const note = 'n/a: the ε lower bound and the Gaussian-DP μ need at least one member and one non-member.';
    return privacyBoundRows(
      { value: null, delta, confidence: DEFAULT_EPSILON_CONFIDENCE, method: 'bonferroni', guesses: scores.length, note },
      { value: null, note },
    );
  }
  const calibration = operatingPoint?.source === 'calibration' ? { scores: operatingPoint.scores, labels: operatingPoint.labels } : null;
  const bound = epsilonLowerBound({ scores, labels, calibration, delta });
  const mu = gdpMuFromAuc(auc);
  return privacyBoundRows(bound, { value: mu.mu, note: mu.note });
}

function row(name: string, value: number | null, interval: Interval | null, note: string | null): MetricRow {
  return { name, slice: '', value, ciLow: interval?.low ?? null, ciHigh: interval?.high ?? null, note };
}

interface ResolvedOperatingPoint {
  readonly source: OperatingPointSource;
  /** null when not finite (JSON has no Infinity) or when there is no operating point. */
  readonly threshold: number | null;
  readonly result: PrecisionRecall | null;
  readonly note: string | null;
}

function resolveOperatingPoint(request: OperatingPointRequest | null, scores: Float64Array, labels: Uint8Array): ResolvedOperatingPoint {
  if (request === null) {
    return {
      source: 'none',
      threshold: null,
      result: null,
      note: 'n/a: no calibration records and no fixed threshold were given, so no operating threshold was chosen.',
    };
  }
  if (request.source === 'fixed') {
    const threshold = Number.isFinite(request.threshold) ? request.threshold : null;
    return { source: 'fixed', threshold, result: precisionRecallAtThreshold(scores, labels, request.threshold), note: request.reason };
  }
  const calibration = countClasses(request.scores, request.labels, 'the calibration scores');
  if (calibration.members === 0 || calibration.nonMembers === 0) {
    return {
      source: 'calibration',
      threshold: null,
      result: null,
      note: `n/a: the calibration records hold ${calibration.members} members and ${calibration.nonMembers} non-members; choosing a threshold needs both.`,
    };
  }
  const threshold = thresholdMaximisingBalancedAccuracy(request.scores, request.labels);
  let note = `Threshold maximising balanced accuracy on ${request.scores.length} calibration records.`;
  if (threshold === Number.POSITIVE_INFINITY) note = 'On the calibration records no threshold did better than calling nobody a member.';
  if (threshold === Number.NEGATIVE_INFINITY) note = 'On the calibration records the best threshold calls every record a member.';
  return {
    source: 'calibration',
    threshold: Number.isFinite(threshold) ? threshold : null,
    result: precisionRecallAtThreshold(scores, labels, threshold),
    note,
  };
}
