// The PDF report's appendix: the machine and software the report was made with (versions, OS, CPU, memory).
import type { PdfLayout } from './pdf-layout';
import type { AuditReport } from './report-model';

const itemColumnWidth = 150;

export function writeEnvironmentAppendix({ heading, table, width }: PdfLayout, report: AuditReport): void {
  heading('Appendix: environment', 18);
  table(
    [
      { title: 'Item', width: itemColumnWidth },
      { title: 'Value', width: width - itemColumnWidth },
    ],
    Object.entries(report.environment),
  );
}
