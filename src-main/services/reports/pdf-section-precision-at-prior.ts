// The PDF report's precision-at-a-prior table: per run, the precision at its operating threshold on the audit set
// (whose members and non-members are mixed as the auditor chose) and the precision if members were only the export's
// prior of the population, which is what an attacker flagging a person gets in practice. Runs without an operating
// point (set-level tests) are left out; nothing is drawn when no run has one.
import { formatPercent } from '../../../src-shared/presentation/format';
import { DEFAULT_MEMBER_PRIOR } from '../../../src-shared/domain/precision-at-prior';
import {
  PRECISION_AT_PRIOR_NOTE,
  precisionAtPriorLabel,
  precisionAtPriorText,
} from '../../../src-shared/presentation/precision-at-prior-text';
import type { PdfLayout } from './pdf-layout';
import { metricOf, type AuditReport } from './report-model';

export function writePrecisionAtPrior({ heading, paragraph, table, width, runLabel }: PdfLayout, report: AuditReport): void {
  const prior = report.memberPrior ?? DEFAULT_MEMBER_PRIOR;
  const runs = report.runs.filter((run) => metricOf(run, 'precision') !== null);
  if (runs.length === 0) return;
  heading('Precision at a prior', 14, 80);
  paragraph(PRECISION_AT_PRIOR_NOTE);
  const columns = { audit: 110, prior: 150 };
  table(
    [
      { title: 'Run', width: width - columns.audit - columns.prior },
      { title: 'Precision on the audit set', width: columns.audit },
      { title: precisionAtPriorLabel(prior), width: columns.prior },
    ],
    runs.map((run) => {
      const precision = metricOf(run, 'precision')?.value ?? null;
      return [runLabel(run), precision === null ? 'n/a' : formatPercent(precision), precisionAtPriorText(run.details.metrics, prior)];
    }),
  );
}
