// The PDF report's ROC overlay: every run's curve on one log–log chart, built by the renderer's own option builder.
import { rocOption } from '../../../src-shared/charts/roc-option';
import type { PdfLayout } from './pdf-layout';
import type { AuditReport } from './report-model';
import { isSetLevelRun } from './report-verdict';

const chartHeight = 380;

export function writeRocOverlay({ heading, paragraph, chart, palette, runShortLabel }: PdfLayout, report: AuditReport): void {
  // Set-level runs score suspects and references, not members and non-members: they have no ROC.
  const runs = report.runs.filter((run) => !isSetLevelRun(run.details));
  if (runs.length === 0) return;
  heading('ROC curves (log–log)', 18, chartHeight + 10);
  const curves = runs.map((run) => ({
    name: runShortLabel(run),
    fpr: run.curves.roc.fpr,
    tpr: run.curves.roc.tpr,
    members: run.curves.members,
    nonMembers: run.curves.nonMembers,
  }));
  paragraph(
    "Each curve is labelled by its run number and attack; the executive summary gives every run's full name. A curve far above the diagonal at low false-positive rates means members can be singled out with few false accusations.",
    { size: 9 },
  );
  const option = rocOption(curves, palette);
  // The legend is laid out in full on paper: room for one row of it per few curves below the axis.
  const legendRows = Math.ceil((curves.length + 1) / 6);
  const grid = option.grid && !Array.isArray(option.grid) ? option.grid : {};
  chart({ ...option, grid: { ...grid, bottom: Number(grid.bottom ?? 64) + 20 * (legendRows - 1) } }, chartHeight + 20 * (legendRows - 1));
}
