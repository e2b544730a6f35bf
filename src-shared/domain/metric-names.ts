// The names under which a run's whole-set metrics are stored, in reading order: the headline figures first (AUC,
// TPR at 0.1 %, 1 % and 10 % FPR, the threshold-free summaries, the ε lower bound and Gaussian-DP μ), then the
// operating point's. Code that looks a metric up by name takes a `MetricName`, so a misspelt name is a type error
// rather than a silent "n/a".

/** The headline figures: what Compare shows for every run. */
export const headlineMetricNames = [
  'auc',
  'tpr@0.001',
  'tpr@0.01',
  'tpr@0.1',
  'balanced_accuracy',
  'advantage',
  'epsilon_lb',
  'gdp_mu',
] as const;

export const metricNames = [...headlineMetricNames, 'precision', 'recall', 'operating_threshold', 'members', 'non_members'] as const;

export type MetricName = (typeof metricNames)[number];

/** Stored names also include attack-specific extras and TPRs at other FPR bounds; this tells the known ones apart. */
export function isMetricName(name: string): name is MetricName {
  return (metricNames as readonly string[]).includes(name);
}
