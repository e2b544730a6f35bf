// The ECharts option type the workbench's charts produce (only the chart kinds and components installed by the
// renderer's chart component and by the PDF report), and the colours a chart is drawn with: their names, and
// the fixed light values the PDF uses.
// Shared by the renderer and the PDF report (src-shared is the one folder both may import): ECharts types only,
// no Vue, no DOM, no Node.
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';

export type WorkbenchChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | TitleComponentOption
  | MarkLineComponentOption
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

/**
 * The one table of chart colour names: the CSS variable that holds each colour of a palette. The renderer's theme
 * stylesheet (src-renderer/styles/theme.css) gives each variable its light and dark value, and the Compare view
 * reads them when it draws, so the charts follow the theme the page shows.
 */
export const chartColourVariables = {
  text: '--text',
  muted: '--muted',
  axis: '--chart-axis',
  grid: '--chart-grid',
  member: '--member',
  nonMember: '--non-member',
  chance: '--chart-chance',
  series: ['--series-1', '--series-2', '--series-3', '--series-4', '--series-5', '--series-6', '--series-7', '--series-8'],
} as const satisfies Record<SingleColourName, string> & { readonly series: readonly string[] };

type SingleColourName = Exclude<keyof ChartPalette, 'series'>;
export type ChartColourVariable = (typeof chartColourVariables)[SingleColourName] | (typeof chartColourVariables)['series'][number];

/** A palette from a source of variable values (the page's computed style, or the paper colours below). */
export function paletteFrom(colourOf: (variable: ChartColourVariable) => string): ChartPalette {
  const single = (name: SingleColourName): string => colourOf(chartColourVariables[name]);
  return {
    text: single('text'),
    muted: single('muted'),
    axis: single('axis'),
    grid: single('grid'),
    member: single('member'),
    nonMember: single('nonMember'),
    chance: single('chance'),
    series: chartColourVariables.series.map(colourOf),
  };
}

/**
 * The light theme's values, fixed, for the PDF report, which has no stylesheet to read: paper is light. A test
 * holds them equal to theme.css's light values, so the report draws what the light theme shows.
 */
export const paperColours: Readonly<Record<ChartColourVariable, string>> = {
  '--text': '#1b1f24',
  '--muted': '#5b6470',
  '--chart-axis': '#8a939e',
  '--chart-grid': '#e3e7ec',
  '--member': '#c23b4e',
  '--non-member': '#1f5fbf',
  '--chart-chance': '#8a939e',
  '--series-1': '#1f5fbf',
  '--series-2': '#d9730d',
  '--series-3': '#1d8a4a',
  '--series-4': '#c23b4e',
  '--series-5': '#7b4fc9',
  '--series-6': '#138a8a',
  '--series-7': '#8a7a00',
  '--series-8': '#b35a00',
};

export const paperPalette: ChartPalette = paletteFrom((variable) => paperColours[variable]);

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
