// Renders a chart option (the same builders the renderer draws live) to an SVG string with ECharts' server-side
// renderer, for the PDF report. Animation is off so the SVG holds the final frame.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { WorkbenchChartOption } from '../../../src-shared/charts/chart-option';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, SVGRenderer]);

export function chartToSvg(option: WorkbenchChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    // On paper a scrolling legend would hide entries behind a page arrow: lay every entry out instead.
    // A laid-out legend may wrap onto a second line, so the plot area leaves room for it.
    const legend = option.legend && !Array.isArray(option.legend) ? { ...option.legend, type: 'plain' as const } : option.legend;
    const grid =
      legend && option.grid && !Array.isArray(option.grid)
        ? { ...option.grid, bottom: Number(option.grid.bottom ?? 60) + 22 }
        : option.grid;
    chart.setOption({ ...option, ...(legend ? { legend } : {}), ...(grid ? { grid } : {}), animation: false });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
