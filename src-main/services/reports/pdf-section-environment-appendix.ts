// The PDF report's appendix: the machine and software the report was made with (versions, OS, CPU, memory), and the
// server of each remote target, whose machine computed that target's outputs.
import type { PdfLayout } from './pdf-layout';
import type { AuditReport } from './report-model';

const itemColumnWidth = 150;

/** One row per remote target: which server answered, by protocol and URL (the key never reaches the report). */
function remoteServerRows(report: AuditReport): [string, string][] {
  const rows = new Map<string, string>();
  for (const run of report.runs) {
    const remote = run.targetRemote;
    if (!remote) continue;
    rows.set(
      `Remote server (${run.details.targetModelName ?? `model ${run.details.run.targetModelId}`})`,
      `${remote.url} — ${remote.protocol}`,
    );
  }
  return [...rows.entries()];
}

export function writeEnvironmentAppendix({ heading, table, width }: PdfLayout, report: AuditReport): void {
  heading('Appendix: environment', 18);
  table(
    [
      { title: 'Item', width: itemColumnWidth },
      { title: 'Value', width: width - itemColumnWidth },
    ],
    [...Object.entries(report.environment), ...remoteServerRows(report)],
  );
}
