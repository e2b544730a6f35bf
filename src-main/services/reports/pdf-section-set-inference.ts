// The PDF report's set-level inference section: per set-inference run, the base attack that scored the records, the
// suspect and reference set sizes, the test with its p-values and effect size, the decision at the 1 % level and the
// power curve over set sizes (the chart builder run details draws), then what a result means and when it does not
// apply. Nothing is drawn when no run is a set-level test.
import { powerCurveOption } from '../../../src-shared/charts/power-curve-option';
import { readSetInference } from '../../../src-shared/domain/set-inference';
import { formatCount, formatMetric } from '../../../src-shared/presentation/format';
import {
  SET_INFERENCE_LIMIT_TEXT,
  formatPValue,
  setInferenceDecision,
  setInferenceDetected,
  welchText,
} from '../../../src-shared/presentation/set-inference-text';
import type { PdfLayout } from './pdf-layout';
import type { AuditReport, ReportRun } from './report-model';

const chartHeight = 220;

/** "pia (steps 10, …)" from the run's stored parameters: the base attack's id and the parameters it ran with. */
function baseAttackText(run: ReportRun): string {
  const params = run.details.config.params as { base?: unknown; baseParams?: unknown };
  const base = typeof params.base === 'string' ? params.base : 'unknown';
  const baseParams =
    typeof params.baseParams === 'object' && params.baseParams !== null ? Object.entries(params.baseParams as Record<string, unknown>) : [];
  const listed = baseParams.map(([name, value]) => `${name} ${JSON.stringify(value)}`).join(', ');
  return `${run.attackTitle} (base attack ${base}${listed ? `; ${listed}` : ''})`;
}

export function writeSetInference(layout: PdfLayout, report: AuditReport): void {
  const { heading, paragraph, table, chart, palette, runLabel, runShortLabel, width } = layout;
  const entries = report.runs.flatMap((run) => {
    const result = readSetInference(run.details.metrics);
    return result ? [{ run, result }] : [];
  });
  if (entries.length === 0) return;
  heading('Set-level inference', 14, 160);
  paragraph(
    'A set-level test asks whether a suspect collection, as a group, was in the training data, even where no attack can single out one record. A base attack scores the suspect records and non-member reference records from the same distribution; a one-sided Mann–Whitney U test asks whether the suspects score higher (Welch’s t on the same scores is shown beside it). The effect size is the chance that a random suspect outscores a random reference (0.5: no difference). The power curve draws seeded subsets of the suspects and shows how often a set of that size would have been detected.',
  );
  for (const { run, result } of entries) {
    heading(runLabel(run), 11, chartHeight + 80);
    paragraph(baseAttackText(run), { lead: 'Scored by.' });
    table(
      [
        { title: 'Figure', width: 170 },
        { title: 'Value', width: width - 170 },
      ],
      [
        ['Suspect records', formatCount(result.suspects)],
        ['Reference records (non-members)', formatCount(result.references)],
        [`Mann–Whitney U, one-sided (${result.method})`, `p = ${formatPValue(result.pValue)}, U = ${formatCount(result.u)}`],
        ['Effect size (common language)', `${formatMetric(result.commonLanguage)}; rank-biserial ${formatMetric(result.rankBiserial)}`],
        ['Welch’s t, one-sided', welchText(result)],
        ['Decision at the 1 % level', setInferenceDetected(result.pValue) ? 'detected' : 'not detected'],
      ],
    );
    paragraph(setInferenceDecision(result), { bold: true });
    if (result.power.length > 0) {
      chart(powerCurveOption(result, palette, `Power over suspect-set size, ${runShortLabel(run)}`), chartHeight);
    } else {
      paragraph('No power curve: the suspect set is smaller than every set size asked for.', { size: 9 });
    }
  }
  paragraph(SET_INFERENCE_LIMIT_TEXT, { lead: 'When it applies.' });
}
