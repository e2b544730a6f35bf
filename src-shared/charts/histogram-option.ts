// Member and non-member score histograms of one run from bins the backend counted (shared edges, so the bars of
// a bin compare like with like). The chart only draws counts; it never sees the raw scores.
import { axisStyle, type ChartPalette, type WorkbenchChartOption } from './chart-option';

export interface HistogramInput {
  readonly edges: ArrayLike<number>;
  readonly members: ArrayLike<number>;
  readonly nonMembers: ArrayLike<number>;
  /** Records beyond the outer edges, counted in the first / last bin (said in the axis name so nobody misreads it). */
  readonly tails?: { readonly below: number; readonly above: number };
}

function binLabel(low: number, high: number): string {
  const centre = (low + high) / 2;
  return Math.abs(centre) >= 1e4 || (Math.abs(centre) < 1e-2 && centre !== 0) ? centre.toExponential(1) : centre.toPrecision(3);
}

export function histogramOption(histogram: HistogramInput, palette: ChartPalette, title: string): WorkbenchChartOption {
  const bins = histogram.members.length;
  const labels = Array.from({ length: bins }, (_, i) => binLabel(histogram.edges[i]!, histogram.edges[i + 1]!));
  const axis = axisStyle(palette);
  const below = histogram.tails?.below ?? 0;
  const above = histogram.tails?.above ?? 0;
  const tailNote = below + above > 0 ? ` (outer bars include ${below} lower and ${above} higher outliers)` : '';
  return {
    animation: false,
    title: { text: title, left: 'center', textStyle: { color: palette.text, fontSize: 12, fontWeight: 600 } },
    legend: { bottom: 0, textStyle: { color: palette.text } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 48, right: 16, top: 32, bottom: 56 },
    xAxis: {
      type: 'category',
      data: labels,
      name: `Score${tailNote}`,
      nameLocation: 'middle',
      nameGap: 24,
      ...axis,
      splitLine: { show: false },
    },
    yAxis: { type: 'value', ...axis },
    series: [
      {
        type: 'bar',
        name: 'Members',
        data: Array.from(histogram.members),
        itemStyle: { color: palette.member, opacity: 0.65 },
        barGap: '-100%',
        barCategoryGap: '4%',
      },
      { type: 'bar', name: 'Non-members', data: Array.from(histogram.nonMembers), itemStyle: { color: palette.nonMember, opacity: 0.55 } },
    ],
  };
}
