// The metrics a policy rule may name, spelled as `mia audit --json` prints them, and how each is read from a run's
// headline. A closed list, so that a typo in a policy is refused instead of silently never matching.
import type { RunHeadline } from '../run-headline';

type HeadlineMetrics = RunHeadline['metrics'];

/**
 * Metric path → its value for one run; null means "not measured" (not computed, or a run stored before the metric
 * existed). Only set-inference runs carry `set_inference`, so on every other run its p-value is not measured.
 */
export const policyMetrics: Readonly<Record<string, (metrics: HeadlineMetrics) => number | null>> = {
  auc: (m) => m.auc,
  'tpr_at_fpr["0.001"]': (m) => m.tpr_at_fpr['0.001'],
  'tpr_at_fpr["0.01"]': (m) => m.tpr_at_fpr['0.01'],
  'tpr_at_fpr["0.1"]': (m) => m.tpr_at_fpr['0.1'],
  balanced_accuracy: (m) => m.balanced_accuracy,
  advantage: (m) => m.advantage,
  'epsilon_lb.value': (m) => m.epsilon_lb?.value ?? null,
  gdp_mu: (m) => m.gdp_mu,
  'ppv_at_prior.value': (m) => m.ppv_at_prior.value,
  'set_inference.p_value': (m) => m.set_inference?.p_value ?? null,
};
