// The PDF report's executive summary: validity warnings first, then the worst case and each run's headline metrics.
import { formatInterval, formatMetric } from '../../../src-shared/presentation/format';
import type { PdfLayout } from './pdf-layout';
import { metricOf, type AuditReport, type ReportRun } from './report-model';

export function writeExecutiveSummary({ heading, paragraph, table, runLabel }: PdfLayout, report: AuditReport): void {
  heading('Executive summary', 18);
  const warnings = report.runs.flatMap((run) => run.details.checks.filter((c) => c.status === 'warn').map((c) => ({ run, check: c })));
  if (warnings.length > 0) {
    heading('Validity warnings', 13);
    for (const { run, check } of warnings) paragraph(`${runLabel(run)} — ${check.kind}: ${check.message}`);
  } else {
    paragraph('No validity check warned: the polarity, null-model and blind-baseline checks that could run found nothing suspicious.');
  }
  const { worst, amongTrusted } = worstCase(report.runs);
  paragraph(
    `Worst case${amongTrusted ? ' among runs without validity warnings' : ''}: ${runLabel(worst)} identifies ${formatMetric(metricOf(worst, 'tpr@0.01')?.value)} of members at 1 % false positives (AUC ${formatMetric(metricOf(worst, 'auc')?.value)}).`,
  );
  table(
    [
      { title: 'Run', width: 95 },
      { title: 'AUC', width: 45 },
      { title: 'AUC 95 % CI', width: 85 },
      { title: 'TPR@0.1%FPR', width: 65 },
      { title: 'TPR@1%FPR', width: 60 },
      { title: 'TPR@1% CI', width: 80 },
      { title: 'TPR@10%FPR', width: 65 },
    ],
    report.runs.map((run) => {
      const auc = metricOf(run, 'auc');
      const tpr1 = metricOf(run, 'tpr@0.01');
      return [
        runLabel(run),
        formatMetric(auc?.value),
        formatInterval(auc?.ciLow, auc?.ciHigh),
        formatMetric(metricOf(run, 'tpr@0.001')?.value),
        formatMetric(tpr1?.value),
        formatInterval(tpr1?.ciLow, tpr1?.ciHigh),
        formatMetric(metricOf(run, 'tpr@0.1')?.value),
      ];
    }),
  );
  paragraph('"n/a": the audit set has too few non-members for that false-positive rate to be measured (fewer than 1/α).');
}

/**
 * The run with the highest TPR at 1 % FPR, taken over runs whose validity checks all passed: a flagged run's figure
 * may measure something other than memorisation, and it is listed among the warnings instead. `amongTrusted` says
 * the choice left some runs out; when every run warned, all of them are candidates.
 */
function worstCase(runs: readonly ReportRun[]): { worst: ReportRun; amongTrusted: boolean } {
  const trusted = runs.filter((run) => !run.details.checks.some((c) => c.status === 'warn'));
  const candidates = trusted.length > 0 ? trusted : runs;
  const worst = [...candidates].sort((a, b) => (metricOf(b, 'tpr@0.01')?.value ?? -1) - (metricOf(a, 'tpr@0.01')?.value ?? -1))[0]!;
  return { worst, amongTrusted: trusted.length > 0 && trusted.length < runs.length };
}
