// The ECharts option type the workbench's charts produce (only the chart kinds and components installed by the
// renderer's chart component and by the PDF report), and the colours a chart is drawn with.
// Shared by the renderer and the PDF report (src-shared is the one folder both may import): ECharts types only,
// no Vue, no DOM, no Node.
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, MarkLineComponentOption, TitleComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';

export type WorkbenchChartOption = ComposeOption<
  LineSeriesOption | BarSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption | TitleComponentOption | MarkLineComponentOption
>;

export interface ChartPalette {
  readonly text: string;
  readonly muted: string;
  readonly axis: string;
  readonly grid: string;
  /** One colour per run, in order. */
  readonly series: readonly string[];
  readonly member: string;
  readonly nonMember: string;
  readonly chance: string;
}

/** Colours that read on the light and dark themes (and on paper for the light one). */
export function chartPalette(theme: 'light' | 'dark'): ChartPalette {
  return theme === 'dark'
    ? {
        text: '#e6e9ed',
        muted: '#a0a9b4',
        axis: '#5b6470',
        grid: '#2c3239',
        series: ['#6ea8ff', '#ffb454', '#7fd99a', '#ff8a9a', '#c5a3ff', '#5ad1d1', '#e0e070', '#ff9f6e'],
        member: '#ff8a9a',
        nonMember: '#6ea8ff',
        chance: '#7d8792',
      }
    : {
        text: '#1b1f24',
        muted: '#5b6470',
        axis: '#8a939e',
        grid: '#e3e7ec',
        series: ['#1f5fbf', '#d9730d', '#1d8a4a', '#c23b4e', '#7b4fc9', '#138a8a', '#8a7a00', '#b35a00'],
        member: '#c23b4e',
        nonMember: '#1f5fbf',
        chance: '#8a939e',
      };
}

export function seriesColour(palette: ChartPalette, index: number): string {
  return palette.series[index % palette.series.length]!;
}

/** Axis styling shared by every chart. */
export function axisStyle(palette: ChartPalette) {
  return {
    axisLine: { lineStyle: { color: palette.axis } },
    axisTick: { lineStyle: { color: palette.axis } },
    axisLabel: { color: palette.muted },
    splitLine: { lineStyle: { color: palette.grid } },
    nameTextStyle: { color: palette.muted },
  };
}
