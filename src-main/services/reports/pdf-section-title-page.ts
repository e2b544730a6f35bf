// The PDF report's cover page: the title, who it is for and by whom, the scope and date the auditor gave, then what
// was audited (models, data, number of runs), the risk policy's verdict (or that none was applied) and which
// workbench made the report.
import { pageMargin, type PdfLayout } from './pdf-layout';
import { writePolicyVerdict } from './pdf-section-policy-verdict';
import type { AuditReport } from './report-model';

const labelWidth = 90;
const accent = '#1f4e79';

export function writeTitlePage(layout: PdfLayout, report: AuditReport): void {
  const { doc, body, bold, width, show, paragraph, usesBuiltInFont } = layout;
  const { cover } = report;
  // A verdict needs the room of its tables: the cover then starts near the top of the page.
  doc.y = pageMargin + (report.policyVerdicts ? 20 : 140);
  doc.font(body).fontSize(11).fillColor(accent).text(show('MEMBERSHIP INFERENCE AUDIT REPORT'), { width, characterSpacing: 1 });
  doc.moveDown(0.4);
  doc.font(bold).fontSize(26).fillColor('#1b1f24').text(show(cover.title), { width }).moveDown(0.3);
  doc
    .moveTo(pageMargin, doc.y)
    .lineTo(pageMargin + width, doc.y)
    .lineWidth(1.5)
    .stroke(accent);
  doc.moveDown(1.2);

  const targets = [...new Set(report.runs.map((r) => r.details.targetModelName ?? `model ${r.details.run.targetModelId}`))];
  const datasets = [...new Set(report.runs.map((r) => r.details.datasetName ?? `dataset ${r.details.run.datasetId}`))];
  const fields: [string, string | null][] = [
    ['Client', cover.client],
    ['Auditor', cover.auditor],
    ['Date', cover.date],
    ['Scope', cover.scope],
    [targets.length > 1 ? 'Models' : 'Model', targets.join('\n')],
    ['Data', datasets.join('\n')],
    ['Runs', `${report.runs.length} attack run${report.runs.length === 1 ? '' : 's'} (listed in the executive summary)`],
  ];
  for (const [label, value] of fields) {
    if (value === null) continue;
    const y = doc.y;
    doc
      .font(bold)
      .fontSize(11)
      .fillColor('#5b6470')
      .text(show(label), pageMargin, y, { width: labelWidth - 8 });
    doc
      .font(body)
      .fontSize(11)
      .fillColor('#1b1f24')
      .text(show(value), pageMargin + labelWidth, y, { width: width - labelWidth });
    doc.moveDown(0.6);
    doc.x = pageMargin;
  }
  doc.moveDown(0.4);
  writePolicyVerdict(layout, report);

  doc.y = Math.max(doc.y + 20, doc.page.height - pageMargin - 60);
  paragraph(`Generated ${report.generatedAt} by MIA Workbench ${report.workbenchVersion}.`, { size: 9, colour: '#5b6470' });
  if (usesBuiltInFont)
    paragraph('Note: no TrueType font was found, so this PDF uses the built-in Helvetica, which is not embedded.', { size: 9 });
}
