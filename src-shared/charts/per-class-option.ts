// Per-class AUC bars, one group per class and one bar per run, with the chance level marked; a class whose AUC
// is n/a (no members or no non-members among its records) gets no bar.
import { axisStyle, seriesColour, type ChartPalette, type WorkbenchChartOption } from './chart-option';

export interface PerClassInput {
  readonly name: string;
  readonly classes: readonly { classIndex: number; className: string | null; auc: number | null }[];
}

export function perClassOption(runs: readonly PerClassInput[], palette: ChartPalette, title = 'AUC per class'): WorkbenchChartOption {
  const classNames = new Map<number, string>();
  for (const run of runs)
    for (const entry of run.classes)
      if (!classNames.has(entry.classIndex)) classNames.set(entry.classIndex, entry.className ?? `class ${entry.classIndex}`);
  const order = [...classNames.keys()].sort((a, b) => a - b);
  const axis = axisStyle(palette);
  return {
    animation: false,
    title: { text: title, left: 'center', textStyle: { color: palette.text, fontSize: 13, fontWeight: 600 } },
    legend: { bottom: 0, textStyle: { color: palette.text }, type: 'scroll' },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 48, right: 16, top: 40, bottom: 72 },
    xAxis: {
      type: 'category',
      data: order.map((i) => classNames.get(i)!),
      ...axis,
      splitLine: { show: false },
      axisLabel: { color: palette.muted, interval: 0, rotate: order.length > 6 ? 30 : 0 },
    },
    yAxis: { type: 'value', min: 0, max: 1, name: 'AUC', ...axis },
    series: runs.map((run, index) => {
      const byClass = new Map(run.classes.map((entry) => [entry.classIndex, entry.auc]));
      const colour = seriesColour(palette, index);
      return {
        type: 'bar' as const,
        name: run.name,
        data: order.map((i) => byClass.get(i) ?? null),
        itemStyle: { color: colour },
        ...(index === 0
          ? {
              markLine: {
                silent: true,
                symbol: 'none',
                label: { formatter: 'chance', position: 'insideEndTop', color: palette.muted },
                lineStyle: { type: 'dashed' as const, color: palette.chance },
                data: [{ yAxis: 0.5 }],
              },
            }
          : {}),
      };
    }),
  };
}
