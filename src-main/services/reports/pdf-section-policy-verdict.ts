// The risk policy's verdict on the PDF's first page: per target model PASS or FAIL, then one line per rule with its
// limit, scope, measured value and result (report-policy-rules.ts). Without a policy, one line says none was applied.
import { verdictHeadline } from '../../../src-shared/presentation/policy-verdict-text';
import type { PdfLayout } from './pdf-layout';
import { ruleLines } from './report-policy-rules';
import type { AuditReport } from './report-model';

export const NO_POLICY_TEXT = 'No risk policy was applied to this report.';

export function writePolicyVerdict({ doc, bold, paragraph, table, width }: PdfLayout, report: AuditReport): void {
  const verdicts = report.policyVerdicts ?? null;
  if (verdicts === null) {
    paragraph(NO_POLICY_TEXT, { size: 10, colour: '#5b6470' });
    return;
  }
  doc.font(bold).fontSize(13).fillColor('#1b1f24').text('Risk policy verdict', { width }).moveDown(0.2);
  if (verdicts.length === 0) paragraph('The policy was applied, but none of the reported runs finished, so nothing was judged.');
  const columns = { limit: 45, scope: 90, measured: 135, result: 120 };
  for (const target of verdicts) {
    paragraph(`${target.targetName}: ${verdictHeadline(target.verdict)}`, {
      bold: true,
      size: 11,
      colour: target.verdict.status === 'fail' ? '#a01c1c' : '#1d6b35',
    });
    table(
      [
        { title: 'Metric', width: width - Object.values(columns).reduce((sum, w) => sum + w, 0) },
        { title: 'Limit', width: columns.limit },
        { title: 'Scope', width: columns.scope },
        { title: 'Measured', width: columns.measured },
        { title: 'Result', width: columns.result },
      ],
      ruleLines(target.verdict).map((line) => [line.metric, line.limit, line.scope, line.measured, line.result]),
    );
  }
}
