// Which stored metrics the Compare table shows and how each is named — shared by the views, the report and the
// tests that check the table against the workspace; the names themselves are src-shared/domain/metric-names.ts. Plain TypeScript: no Vue, no DOM.
import { headlineMetricNames, isMetricName, metricNames, type MetricName } from '../domain/metric-names';
import { readEpsilonBound } from '../domain/privacy-bound';
import { formatInterval, formatMetric } from './format';
import { epsilonQualifiers, formatEpsilon } from './privacy-bound-text';

/** The rows of the compare table: the headline figures, in their stored reading order. */
export const compareMetricNames: readonly MetricName[] = headlineMetricNames;

/** How each known metric is named on screen, in the PDF and in the CSV's headings. */
export const metricLabels: Readonly<Record<MetricName, string>> = {
  auc: 'AUC',
  'tpr@0.001': 'TPR @ 0.1 % FPR',
  'tpr@0.01': 'TPR @ 1 % FPR',
  'tpr@0.1': 'TPR @ 10 % FPR',
  balanced_accuracy: 'Balanced accuracy',
  advantage: 'Advantage (TPR − FPR)',
  epsilon_lb: 'ε lower bound',
  gdp_mu: 'Gaussian-DP μ',
  precision: 'Precision',
  recall: 'Recall',
  operating_threshold: 'Operating threshold',
  members: 'Members',
  non_members: 'Non-members',
};

/** Stored rows in reading order: the known metrics in the table's order, attack-specific extras last (by name). */
export function orderMetrics<T extends { name: string }>(rows: readonly T[]): T[] {
  const rank = (name: string): number => (isMetricName(name) ? metricNames.indexOf(name) : metricNames.length);
  return [...rows].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
}

/** A stored metric's label; an extra the table does not know is shown under its stored name. */
export function metricLabel(name: string): string {
  return isMetricName(name) ? metricLabels[name] : name;
}

export interface MetricLike {
  readonly name: string;
  readonly slice: string;
  readonly value: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly note?: string | null;
}

/**
 * The texts of a compare-table cell: the value ("n/a" when it could not be measured), its 95 % interval ("n/a" when a
 * measured value has none; empty under an n/a value, which says it all), and the stored note explaining an n/a.
 * The ε bound is a one-sided bound, not an estimate: its second line is δ, confidence, guesses and method instead.
 */
export function compareCell(metrics: readonly MetricLike[], name: MetricName): { value: string; interval: string; note: string | null } {
  const row = metrics.find((m) => m.name === name && m.slice === '');
  if (name === 'epsilon_lb') {
    const bound = readEpsilonBound(metrics.map((m) => ({ ...m, note: m.note ?? null })));
    return { value: formatEpsilon(bound?.value ?? null), interval: bound ? epsilonQualifiers(bound) : '', note: row?.note ?? null };
  }
  if (name === 'gdp_mu') return { value: formatEpsilon(row?.value ?? null), interval: '', note: row?.note ?? null };
  const value = formatMetric(row?.value ?? null);
  const interval = value === 'n/a' ? '' : formatInterval(row?.ciLow ?? null, row?.ciHigh ?? null);
  return { value, interval, note: row?.note ?? null };
}
