// The PDF report's ROC overlay: every run's curve on one log–log chart, built by the renderer's own option builder.
import { rocOption } from '../../../src-shared/charts/roc-option';
import type { PdfLayout } from './pdf-layout';
import type { AuditReport } from './report-model';

const chartHeight = 380;

export function writeRocOverlay({ heading, chart, palette, runLabel }: PdfLayout, report: AuditReport): void {
  heading('ROC curves (log–log)', 18);
  const curves = report.runs.map((run) => ({
    name: runLabel(run),
    fpr: run.curves.roc.fpr,
    tpr: run.curves.roc.tpr,
    members: run.curves.members,
    nonMembers: run.curves.nonMembers,
  }));
  chart(rocOption(curves, palette), chartHeight);
}
