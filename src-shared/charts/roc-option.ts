// ROC curves of several runs on log–log axes with the chance diagonal, the way membership inference results are
// read (what matters is the TPR at low FPR). Points come already thinned for drawing; points at FPR or TPR 0
// cannot sit on a log axis and are left out of the line.
import { axisStyle, seriesColour, type ChartPalette, type WorkbenchChartOption } from './chart-option';

export interface RocCurveInput {
  readonly name: string;
  readonly fpr: ArrayLike<number>;
  readonly tpr: ArrayLike<number>;
  /** Non-members behind the curve: the smallest FPR that can be measured is 1 / nonMembers. */
  readonly nonMembers: number;
  readonly members: number;
}

/** The decade at or below the smallest measurable rate, never below 1e-6. */
function logFloor(count: number): number {
  const smallest = 1 / Math.max(count, 1);
  return Math.max(1e-6, 10 ** Math.floor(Math.log10(smallest)));
}

export function rocOption(curves: readonly RocCurveInput[], palette: ChartPalette, title = 'ROC (log–log)'): WorkbenchChartOption {
  const xMin = Math.min(...curves.map((c) => logFloor(c.nonMembers)), 1e-1);
  const yMin = Math.min(...curves.map((c) => logFloor(c.members)), 1e-1);
  const lower = Math.min(xMin, yMin);
  const axis = axisStyle(palette);
  return {
    animation: false,
    title: { text: title, left: 'center', textStyle: { color: palette.text, fontSize: 13, fontWeight: 600 } },
    legend: { bottom: 0, textStyle: { color: palette.text }, type: 'scroll' },
    tooltip: {
      trigger: 'item',
      formatter: (params: unknown) => {
        const p = params as { seriesName: string; value: [number, number] };
        return `${p.seriesName}<br/>FPR ${p.value[0].toPrecision(3)} · TPR ${p.value[1].toPrecision(3)}`;
      },
    },
    grid: { left: 64, right: 24, top: 40, bottom: 64 },
    xAxis: { type: 'log', name: 'False-positive rate', nameLocation: 'middle', nameGap: 28, min: xMin, max: 1, logBase: 10, ...axis },
    yAxis: { type: 'log', name: 'True-positive rate', nameLocation: 'middle', nameGap: 44, min: yMin, max: 1, logBase: 10, ...axis },
    series: [
      {
        type: 'line',
        name: 'Chance',
        data: [
          [lower, lower],
          [1, 1],
        ],
        showSymbol: false,
        silent: true,
        lineStyle: { type: 'dashed', color: palette.chance, width: 1 },
        itemStyle: { color: palette.chance },
      },
      ...curves.map((curve, index) => {
        const data: [number, number][] = [];
        for (let i = 0; i < curve.fpr.length; i++) {
          const fpr = curve.fpr[i]!;
          const tpr = curve.tpr[i]!;
          if (fpr > 0 && tpr > 0) data.push([fpr, tpr]);
        }
        const colour = seriesColour(palette, index);
        return {
          type: 'line' as const,
          name: curve.name,
          data,
          showSymbol: false,
          step: 'end' as const,
          lineStyle: { color: colour, width: 2 },
          itemStyle: { color: colour },
        };
      }),
    ],
  };
}
