// The PDF report's methodology: for each run the attack, its parameters and seed, the hashes that pin its inputs,
// and every validity check with its outcome.
import { formatCount } from '../../../src-shared/presentation/format';
import { modelHashDescription, modelHashLabel } from '../../../src-shared/presentation/model-hash';
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
    // One file per paragraph, hash on its own line: a 64-digit hash in a table column would break mid-hash.
    paragraph('Target model files, each with its own SHA-256 (what sha256sum prints for that file):');
    for (const file of run.targetFiles) {
      const size = file.bytes === null ? 'missing now' : `${formatCount(file.bytes)} bytes`;
      paragraph(`${file.name} (${file.role}), ${size}\nSHA-256 ${file.sha256}`);
    }
    paragraph(`${modelHashLabel}: ${run.targetModelHash}. ${modelHashDescription}`);
    paragraph(
      `Run inputs hash (models, combined: the ids and model hashes of the target and every reference, shadow and null model) ${run.modelHash}; data hash ${run.dataHash}; engine ${run.engineVersion}; ${formatCount(run.details.run.modelCalls)} model calls.`,
    );
    for (const check of run.details.checks) paragraph(`Check ${check.kind} (${check.status}): ${check.message}`);
  }
}
