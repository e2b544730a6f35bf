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

/**
 * The execution provider the runs' sessions used: one row when every run used the same one, else one per run, so
 * a result computed on a GPU is never mistaken for a CPU one.
 */
function executionProviderRows(report: AuditReport): [string, string][] {
  const providerOf = (run: AuditReport['runs'][number]): string => run.executionProvider ?? 'not recorded';
  const providers = new Set(report.runs.map(providerOf));
  if (providers.size <= 1) return [...providers].map((provider) => ['Execution provider', provider]);
  return report.runs.map((run) => [`Execution provider (${run.details.run.name})`, providerOf(run)]);
}

export function writeEnvironmentAppendix({ heading, table, width }: PdfLayout, report: AuditReport): void {
  heading('Appendix: environment', 18);
  table(
    [
      { title: 'Item', width: itemColumnWidth },
      { title: 'Value', width: width - itemColumnWidth },
    ],
    [...Object.entries(report.environment), ...executionProviderRows(report), ...remoteServerRows(report)],
  );
}
