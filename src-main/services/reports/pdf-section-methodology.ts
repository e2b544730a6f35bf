// The PDF report's methodology: for each run the attack, its parameters and seed, the hashes that pin its inputs,
// and every validity check with its outcome.
import type { PdfLayout } from './pdf-layout';
import type { AuditReport } from './report-model';

/** Room kept for a run's heading and first lines, so that a heading is never left alone at the foot of a page. */
const runBlockStart = 120;

export function writeMethodology({ heading, paragraph, ensureSpace, runLabel }: PdfLayout, report: AuditReport): void {
  heading('Methodology', 18);
  for (const run of report.runs) {
    ensureSpace(runBlockStart);
    heading(`${runLabel(run)} — ${run.attackTitle}`, 12);
    paragraph(run.attackDescription);
    const config = run.details.config as { params?: unknown; seed?: unknown };
    paragraph(`Parameters: ${JSON.stringify(config.params ?? {})}; seed ${String(config.seed ?? 'n/a')}.`);
    paragraph(
      `Target model SHA-256 ${run.targetSha256}; models hash ${run.modelHash}; data hash ${run.dataHash}; engine ${run.engineVersion}; ${run.details.run.modelCalls} model calls.`,
    );
    for (const check of run.details.checks) paragraph(`Check ${check.kind} (${check.status}): ${check.message}`);
  }
}
