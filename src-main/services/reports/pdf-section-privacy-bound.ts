// The PDF report's privacy-loss section: per run, the empirical ε lower bound with its δ, confidence, number of
// guesses and how its threshold was chosen, and the Gaussian-DP μ; then what the bound means and when it does not
// apply. Nothing is drawn when no run has the figures (runs stored before they existed).
import { formatCount, formatPercent } from '../../../src-shared/presentation/format';
import { EPSILON_LIMIT_TEXT, readEpsilonBound, readGdpMu } from '../../../src-shared/domain/privacy-bound';
import { epsilonMethodLabels, formatDelta, formatEpsilon, formatGdpMu } from '../../../src-shared/presentation/privacy-bound-text';
import type { PdfLayout } from './pdf-layout';
import type { AuditReport } from './report-model';

export function writePrivacyBound({ heading, paragraph, table, width, runLabel }: PdfLayout, report: AuditReport): void {
  const rows = report.runs.flatMap((run) => {
    const bound = readEpsilonBound(run.details.metrics);
    return bound ? [{ run, bound, mu: readGdpMu(run.details.metrics) }] : [];
  });
  if (rows.length === 0) return;
  heading('Privacy loss: empirical ε lower bound', 14, 120);
  paragraph(
    "A model trained with (ε, δ)-differential privacy limits how well any attack can tell members from non-members: at every threshold, FPR + e^ε·FNR ≥ 1 − δ and FNR + e^ε·FPR ≥ 1 − δ. Turned around, an attack's measured error rates prove a lower bound on ε. The rates are replaced by one-sided Clopper–Pearson upper bounds, so the bound holds with the stated confidence however few the records; the threshold is chosen on calibration records and the bound evaluated on the audited ones, or, without calibration records, every threshold is tried and the confidence is Bonferroni-corrected for the search. 0 means the run gives no evidence of privacy loss; it is not a proof of privacy.",
  );
  // Widths fit each heading on one line, so the table reads like the executive summary's.
  const columns = { epsilon: 36, delta: 36, confidence: 58, guesses: 50, method: 140, mu: 70 };
  table(
    [
      { title: 'Run', width: width - Object.values(columns).reduce((sum, w) => sum + w, 0) },
      { title: 'ε ≥', width: columns.epsilon },
      { title: 'δ', width: columns.delta },
      { title: 'Confidence', width: columns.confidence },
      { title: 'Guesses', width: columns.guesses },
      { title: 'Threshold', width: columns.method },
      { title: 'Gaussian-DP μ', width: columns.mu },
    ],
    rows.map(({ run, bound, mu }) => [
      runLabel(run),
      formatEpsilon(bound.value),
      formatDelta(bound.delta),
      formatPercent(bound.confidence),
      formatCount(bound.guesses),
      epsilonMethodLabels[bound.method],
      formatGdpMu(mu),
    ]),
  );
  paragraph(
    "μ is the Gaussian-DP parameter whose trade-off curve has the same area as the run's ROC (μ = √2·Φ⁻¹(AUC)): a summary of the whole curve, without an interval, n/a when the separation is complete.",
    { size: 9 },
  );
  paragraph(EPSILON_LIMIT_TEXT, { lead: 'When it applies.' });
}
