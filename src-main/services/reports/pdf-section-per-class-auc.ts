// The PDF report's per-class AUC table: one row per class, one column per run that has per-class figures.
// Nothing is drawn when no run has them (a dataset without labels).
import { formatMetric } from '../../../src-shared/presentation/format';
import type { PdfLayout } from './pdf-layout';
import type { AuditReport } from './report-model';

const classColumnWidth = 110;
const maxRunColumnWidth = 90;

export function writePerClassAuc({ heading, paragraph, table, width, runShortLabel }: PdfLayout, report: AuditReport): void {
  const perClassRuns = report.runs.filter((run) => run.curves.perClass.length > 0);
  if (perClassRuns.length === 0) return;
  heading('AUC per class', 14, 120);
  paragraph('Columns are runs, by run number and attack (full names in the executive summary).', { size: 9 });
  // Rows follow the first such run's classes; a run without a figure for one of them shows n/a.
  const classes = perClassRuns[0]!.curves.perClass;
  const runColumnWidth = Math.min(maxRunColumnWidth, (width - classColumnWidth) / perClassRuns.length);
  table(
    [{ title: 'Class', width: classColumnWidth }, ...perClassRuns.map((run) => ({ title: runShortLabel(run), width: runColumnWidth }))],
    classes.map((entry) => [
      entry.className ?? String(entry.classIndex),
      ...perClassRuns.map((run) => formatMetric(run.curves.perClass.find((c) => c.classIndex === entry.classIndex)?.auc ?? null)),
    ]),
  );
}
