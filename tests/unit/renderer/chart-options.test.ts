// The chart option builders shared by the Compare view and the PDF report: pure data in, ECharts option out.
import { describe, expect, it } from 'vitest';
import { paperPalette } from '../../../src-shared/charts/chart-option';
import { histogramOption } from '../../../src-shared/charts/histogram-option';
import { perClassOption } from '../../../src-shared/charts/per-class-option';
import { rocOption } from '../../../src-shared/charts/roc-option';
import { compareCell } from '../../../src-shared/presentation/metric-rows';

const palette = paperPalette;
type Series = { name: string; data: unknown[]; type: string };

describe('chart option builders', () => {
  it('draws ROC curves on log–log axes with the chance diagonal, leaving out points a log axis cannot show', () => {
    const option = rocOption(
      [{ name: '#1 loss', fpr: [0, 0, 0.01, 0.5, 1], tpr: [0, 0.2, 0.3, 0.8, 1], members: 500, nonMembers: 500 }],
      palette,
    );
    const series = option.series as Series[];
    expect(series.map((s) => s.name)).toEqual(['Chance', '#1 loss']);
    expect(series[1]!.data).toEqual([
      [0.01, 0.3],
      [0.5, 0.8],
      [1, 1],
    ]);
    expect(option.xAxis).toMatchObject({ type: 'log', min: 0.001, max: 1 });
    expect(option.yAxis).toMatchObject({ type: 'log', min: 0.001, max: 1 });
    expect(option.animation).toBe(false);
  });

  it('draws member and non-member histograms from backend bins and says when outliers sit in the outer bars', () => {
    const option = histogramOption(
      { edges: [0, 1, 2], members: [3, 4], nonMembers: [5, 6], tails: { below: 2, above: 0 } },
      palette,
      'run',
    );
    const series = option.series as Series[];
    expect(series.map((s) => s.data)).toEqual([
      [3, 4],
      [5, 6],
    ]);
    expect((option.xAxis as { data: string[]; name: string }).data).toEqual(['0.500', '1.50']);
    expect((option.xAxis as { name: string }).name).toMatch(/2 lower and 0 higher outliers/);
  });

  it('groups per-class AUC bars by class with one series per run and no bar for n/a', () => {
    const option = perClassOption(
      [
        {
          name: 'a',
          classes: [
            { classIndex: 1, className: 'Trouser', auc: 0.6 },
            { classIndex: 0, className: 'T-shirt', auc: null },
          ],
        },
        { name: 'b', classes: [{ classIndex: 0, className: 'T-shirt', auc: 0.7 }] },
      ],
      palette,
    );
    expect((option.xAxis as { data: string[] }).data).toEqual(['T-shirt', 'Trouser']);
    expect((option.series as Series[]).map((s) => s.data)).toEqual([
      [null, 0.6],
      [0.7, null],
    ]);
  });

  it('formats compare cells as stored: three decimals, the 95 % interval, n/a when not measured', () => {
    const rows = [
      { name: 'auc', slice: '', value: 0.81649, ciLow: 0.79051, ciHigh: 0.8431, note: null },
      { name: 'tpr@0.001', slice: '', value: null, ciLow: null, ciHigh: null, note: 'n/a: too few non-members' },
      { name: 'tpr@0.01', slice: '', value: 0.2, ciLow: null, ciHigh: null, note: null },
    ];
    expect(compareCell(rows, 'auc')).toEqual({ value: '0.816', interval: '0.791–0.843', note: null });
    expect(compareCell(rows, 'tpr@0.001')).toEqual({ value: 'n/a', interval: '', note: 'n/a: too few non-members' });
    expect(compareCell(rows, 'tpr@0.01').interval).toBe('n/a');
    expect(compareCell(rows, 'advantage').value).toBe('n/a');
  });
});
