// The one table of metric names: every known name has a label, the rows read in the table's order, and a name the
// table does not know (an attack's extra) keeps its stored name and comes last.
import { describe, expect, it } from 'vitest';
import { isMetricName, metricNames } from '../../../src-shared/domain/metric-names';
import { compareMetricNames, metricLabel, metricLabels, orderMetrics } from '../../../src-shared/presentation/metric-rows';

describe('metric names', () => {
  it('labels every known metric, and the compare table shows only known ones', () => {
    expect(Object.keys(metricLabels).sort()).toEqual([...metricNames].sort());
    expect(metricLabel('tpr@0.01')).toBe('TPR @ 1 % FPR');
    expect(compareMetricNames.every(isMetricName)).toBe(true);
  });

  it('orders stored rows headline first and leaves unknown names under their own name, last', () => {
    const rows = ['loss_gap', 'advantage', 'tpr@0.05', 'auc', 'non_members', 'tpr@0.001'].map((name) => ({ name }));
    expect(orderMetrics(rows).map((r) => r.name)).toEqual(['auc', 'tpr@0.001', 'advantage', 'non_members', 'loss_gap', 'tpr@0.05']);
    expect(isMetricName('tpr@0.05')).toBe(false);
    expect(metricLabel('tpr@0.05')).toBe('tpr@0.05');
  });
});
