// The PDF report's score distributions: one member/non-member histogram per run, as the app draws it.
import { histogramOption } from '../../../src-shared/charts/histogram-option';
import type { PdfLayout } from './pdf-layout';
import type { AuditReport } from './report-model';

const chartHeight = 220;

export function writeScoreHistograms({ heading, chart, palette, runLabel }: PdfLayout, report: AuditReport): void {
  heading('Score distributions', 14);
  for (const run of report.runs) chart(histogramOption(run.curves.histogram, palette, runLabel(run)), chartHeight);
}
