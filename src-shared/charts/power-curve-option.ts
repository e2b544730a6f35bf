// The power curve of set-level inference as a line chart: for each suspect-set size, the fraction of seeded subsets
// detected at the run's significance level, with the 80 % power a study is usually designed for marked. One builder
// for run details and the PDF.
import type { StoredSetInference } from '../domain/set-inference';
import { formatPercent } from '../presentation/format';
import { axisStyle, seriesColour, type ChartPalette, type WorkbenchChartOption } from './chart-option';

/** The conventional power a test is designed for, drawn as a guide. */
const designPower = 0.8;

export function powerCurveOption(
  result: Pick<StoredSetInference, 'power' | 'alpha' | 'powerDraws'>,
  palette: ChartPalette,
  title = 'Power over suspect-set size',
): WorkbenchChartOption {
  const axis = axisStyle(palette);
  const colour = seriesColour(palette, 0);
  return {
    animation: false,
    title: { text: title, left: 'center', textStyle: { color: palette.text, fontSize: 13, fontWeight: 600 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 56, right: 24, top: 40, bottom: 48 },
    xAxis: {
      type: 'category',
      name: 'suspect records',
      nameLocation: 'middle',
      nameGap: 28,
      data: result.power.map((point) => String(point.size)),
      ...axis,
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      name: `detected at p < ${result.alpha}`,
      nameLocation: 'middle',
      nameGap: 40,
      ...axis,
      axisLabel: { color: palette.muted, formatter: (value: number) => formatPercent(value) },
    },
    series: [
      {
        type: 'line' as const,
        name: `power (${result.powerDraws} draws per size)`,
        data: result.power.map((point) => point.power),
        symbolSize: 6,
        itemStyle: { color: colour },
        lineStyle: { color: colour, width: 2 },
        markLine: {
          silent: true,
          symbol: 'none',
          label: { formatter: 'usual design power', position: 'insideEndBottom', color: palette.muted },
          lineStyle: { type: 'dashed' as const, color: palette.chance },
          data: [{ yAxis: designPower }],
        },
      },
    ],
  };
}
