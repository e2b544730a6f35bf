// Polarity check: an AUC whose whole interval lies below 0.5 means the scores rank non-members above
// members. The statistic may be inverted; the workbench reports it and never flips it silently.
import { findMetric } from '../metrics/run-metrics';
import type { RunMetrics } from '../metrics/run-metrics-schema';
import { describeAuc, estimateDetails, type AucEstimate, type ValidityCheck } from './validity-check';

export function checkPolarity(estimate: AucEstimate): ValidityCheck {
  const details = estimateDetails(estimate);
  if (estimate.auc === null) {
    return {
      kind: 'polarity',
      status: 'not-applicable',
      value: null,
      message: 'The polarity could not be checked: the evaluated records need both members and non-members.',
      details,
    };
  }
  if (estimate.ciLow === null || estimate.ciHigh === null) {
    // Without an interval a value just under 0.5 cannot be told from chance; warning on it would cry wolf.
    return {
      kind: 'polarity',
      status: 'not-applicable',
      value: estimate.auc,
      message: `The polarity could not be checked because no bootstrap interval was computed (${describeAuc(estimate)}).`,
      details,
    };
  }
  if (estimate.ciHigh < 0.5) {
    return {
      kind: 'polarity',
      status: 'warn',
      value: estimate.auc,
      message: `The attack scores rank non-members above members (${describeAuc(estimate)}). The statistic may be inverted; the workbench never flips it silently.`,
      details,
    };
  }
  const reading =
    estimate.ciLow > 0.5
      ? 'The attack scores rank members above non-members'
      : 'The attack scores do not rank members and non-members apart beyond chance, and there is no sign that the statistic is inverted';
  return { kind: 'polarity', status: 'ok', value: estimate.auc, message: `${reading} (${describeAuc(estimate)}).`, details };
}

/** The polarity check of a finished run, read from its `auc` row. */
export function checkRunPolarity(metrics: RunMetrics): ValidityCheck {
  const row = findMetric(metrics, 'auc');
  return checkPolarity({
    auc: row?.value ?? null,
    ciLow: row?.ciLow ?? null,
    ciHigh: row?.ciHigh ?? null,
    confidence: metrics.bootstrap?.confidence,
  });
}
