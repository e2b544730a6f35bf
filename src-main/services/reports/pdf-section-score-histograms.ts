// The PDF report's score distributions: one member/non-member histogram per run, as the app draws it.
import { histogramOption } from '../../../src-shared/charts/histogram-option';
import type { PdfLayout } from './pdf-layout';
import type { AuditReport } from './report-model';
import { isSetLevelRun } from './report-verdict';

const chartHeight = 190;

export function writeScoreHistograms({ heading, paragraph, chart, palette, runLabel }: PdfLayout, report: AuditReport): void {
  // Set-level runs have no members or non-members to histogram; their figures are in their own section.
  const runs = report.runs.filter((run) => !isSetLevelRun(run.details));
  if (runs.length === 0) return;
  heading('Score distributions', 14, chartHeight + 40);
  // One legend for all of them, here, leaves each chart its height for the bars.
  paragraph(
    'Members in red, non-members in blue; where they overlap the bars look purple. The further apart the two groups, the easier members are to tell apart.',
    {
      size: 9,
    },
  );
  for (const run of runs) {
    const option = histogramOption(run.curves.histogram, palette, runLabel(run));
    const grid = option.grid && !Array.isArray(option.grid) ? option.grid : {};
    // Without the legend the plot can start lower, clear of the title.
    chart({ ...option, legend: undefined, grid: { ...grid, top: 44, bottom: 44 } }, chartHeight);
  }
}
