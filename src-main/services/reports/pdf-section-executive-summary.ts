// The PDF report's executive summary: for each target model a plain-language verdict (report-verdict.ts) with its
// worst case, the member and non-member counts and the state of the validity checks, then a table of its runs; its
// set-level inference runs (which have no AUC) are listed apart, each with its p-value and decision at 1 %.
import { readSetInference } from '../../../src-shared/domain/set-inference';
import { formatCount, formatInterval, formatMetric, formatPercent } from '../../../src-shared/presentation/format';
import { formatPValue, setInferenceDecision } from '../../../src-shared/presentation/set-inference-text';
import type { PdfLayout } from './pdf-layout';
import { metricOf, runsByTarget, type AuditReport, type ReportRun } from './report-model';
import { isSetLevelRun, runVerdict, targetVerdict, verdictHeadlines, type VerdictKind } from './report-verdict';

const verdictColours: Record<VerdictKind, string> = {
  leaks: '#a3261b',
  'some-leakage': '#9a5b00',
  'no-measurable-leakage': '#1e6b34',
  inconclusive: '#5b6470',
  'set-level': '#1b1f24',
};

/** "AUC 0.870 (95 % CI 0.840–0.900), TPR 31 % at 1 % FPR (95 % CI 25 %–37 %)". */
function headlineFigures(run: ReportRun): string {
  const auc = metricOf(run, 'auc');
  const tpr = metricOf(run, 'tpr@0.01');
  const percent = (value: number | null | undefined): string => (value === null || value === undefined ? 'n/a' : formatPercent(value));
  const tprInterval =
    tpr?.ciLow !== null && tpr?.ciLow !== undefined && tpr.ciHigh !== null ? ` (95 % CI ${percent(tpr.ciLow)}–${percent(tpr.ciHigh)})` : '';
  return `AUC ${formatMetric(auc?.value)} (95 % CI ${formatInterval(auc?.ciLow, auc?.ciHigh)}), TPR ${percent(tpr?.value)} at 1 % FPR${tprInterval}`;
}

function verdictSentence(kind: VerdictKind, worst: ReportRun, reason: string | null): string {
  const attack = `the strongest attack (${worst.attackTitle}, '${worst.details.run.name}')`;
  switch (kind) {
    case 'leaks':
      return `${verdictHeadlines.leaks}: ${attack} identifies members far better than chance: ${headlineFigures(worst)}.`;
    case 'some-leakage':
      return `${verdictHeadlines['some-leakage']}: ${attack} identifies members better than chance, though not by much: ${headlineFigures(worst)}.`;
    case 'no-measurable-leakage':
      return `${verdictHeadlines['no-measurable-leakage']}: even ${attack} does not tell members from non-members measurably better than chance: ${headlineFigures(worst)}.`;
    case 'inconclusive':
      return `${verdictHeadlines.inconclusive}: no run of this model can be trusted (${reason ?? 'see the checks'}); its figures may measure something other than memorisation.`;
    case 'set-level':
      // targetVerdict never rests on a set-level run; this completes the switch.
      return `${verdictHeadlines['set-level']}: see the set-level results below.`;
  }
}

/** The target's set-level inference runs: one line each, the decision at 1 % with its p-value and effect size. */
function writeSetLevelResults(layout: PdfLayout, runs: readonly ReportRun[]): void {
  const results = runs.flatMap((run) => {
    const result = readSetInference(run.details.metrics);
    return result ? [{ run, result }] : [];
  });
  if (results.length === 0) return;
  layout.paragraph('Set-level results (a suspect collection tested as a whole; see "Set-level inference"):', { bold: true });
  for (const { run, result } of results) {
    layout.paragraph(
      `${layout.runLabel(run)}: ${setInferenceDecision(result)} Effect size ${formatMetric(result.commonLanguage)}, Welch p = ${formatPValue(result.welch?.pValue)}; ${formatCount(result.suspects)} suspects, ${formatCount(result.references)} references.`,
    );
  }
}

export function writeExecutiveSummary(layout: PdfLayout, report: AuditReport): void {
  const { heading, paragraph, table, runLabel, width } = layout;
  heading('Executive summary', 18);
  const targets = runsByTarget(report);
  paragraph(
    `This report audits ${targets.length} target model${targets.length === 1 ? '' : 's'} with ${report.runs.length} membership inference attack run${report.runs.length === 1 ? '' : 's'}. Each verdict rests on the strongest attack whose validity checks passed; the rules are stated in the methodology, and the terms in the glossary.`,
  );
  for (const target of targets) {
    heading(target.name, 13, 90);
    const perRecordRuns = target.runs.filter((run) => !isSetLevelRun(run.details));
    const verdict = targetVerdict(target.runs.map((run) => ({ ...run.details, report: run })));
    if (!verdict) {
      paragraph('No per-record attack ran on this model, so there is no verdict on single records.');
      writeSetLevelResults(layout, target.runs);
      continue;
    }
    const worst = verdict.worst.report;
    paragraph(verdictSentence(verdict.kind, worst, runVerdict(worst.details).reason), { bold: true, colour: verdictColours[verdict.kind] });
    paragraph(
      `Audited records of that run: ${formatCount(worst.curves.members)} members and ${formatCount(worst.curves.nonMembers)} non-members (${runLabel(worst)}).`,
    );
    const leftOut = verdict.leftOut.map((entry) => entry.report);
    paragraph(
      leftOut.length === 0
        ? `Validity checks: passed for all ${perRecordRuns.length} run${perRecordRuns.length === 1 ? '' : 's'} of this model (polarity, and the null-model and blind-baseline checks where they could run).`
        : `Validity checks: ${leftOut.length} of ${perRecordRuns.length} runs failed and are not counted in the verdict: ${leftOut.map((run) => `${runLabel(run)} (${runVerdict(run.details).reason ?? ''})`).join('; ')}.`,
    );
    // One figure per column, so that each row's first line carries the run, every figure and its interval.
    const figure = 42;
    const interval = 64;
    table(
      [
        { title: 'Run', width: width - 4 * figure - 2 * interval - 84 },
        { title: 'AUC', width: figure },
        { title: 'AUC 95 % CI', width: interval },
        { title: 'TPR at 0.1 % FPR', width: figure },
        { title: 'TPR at 1 % FPR', width: figure },
        { title: 'TPR at 1 % FPR, 95 % CI', width: interval },
        { title: 'TPR at 10 % FPR', width: figure },
        { title: 'Verdict', width: 84 },
      ],
      perRecordRuns.map((run) => {
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
          verdictHeadlines[runVerdict(run.details).kind],
        ];
      }),
    );
    writeSetLevelResults(layout, target.runs);
  }
  // The note explains the runs tables; a report of set-level runs only has none.
  if (report.runs.some((run) => !isSetLevelRun(run.details))) {
    paragraph('"n/a": the audit set has too few non-members for that false-positive rate to be measured (fewer than 1/α).', {
      size: 8.5,
      colour: '#5b6470',
    });
  }
}
