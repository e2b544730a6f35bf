// The PDF report's title page: what was audited, on which data, by which attacks, and when.
import type { PdfLayout } from './pdf-layout';
import type { AuditReport } from './report-model';

export function writeTitlePage(
  { doc, body, bold, width, show, runLabel, paragraph, usesBuiltInFont }: PdfLayout,
  report: AuditReport,
): void {
  doc.font(bold).fontSize(26).text(show(report.title), { width }).moveDown(0.5);
  doc.font(body).fontSize(12);
  const targets = [...new Set(report.runs.map((r) => r.details.targetModelName ?? `model ${r.details.run.targetModelId}`))];
  const datasets = [...new Set(report.runs.map((r) => r.details.datasetName ?? `dataset ${r.details.run.datasetId}`))];
  paragraph(`Audited model${targets.length > 1 ? 's' : ''}: ${targets.join(', ')}`);
  paragraph(`Data: ${datasets.join(', ')}`);
  paragraph(`Attacks: ${report.runs.map(runLabel).join(', ')}`);
  paragraph(`Generated ${report.generatedAt} by MIA Workbench ${report.workbenchVersion}.`);
  if (usesBuiltInFont) paragraph('Note: no TrueType font was found, so this PDF uses the built-in Helvetica, which is not embedded.');
}
