// The PDF report's methodology: how figures and verdicts are made (the verdict rules come from report-verdict.ts),
// each run's attack, its parameters as a table and its validity checks, the hashes that pin its inputs, and each target model's identity
// (every file with its size and own SHA-256, and the combined model hash named as such; a remote target's endpoint and
// served components, pdf-section-remote-target.ts).
import { formatCount } from '../../../src-shared/presentation/format';
import { modelHashDescription, modelHashLabel } from '../../../src-shared/presentation/model-hash';
import type { PdfLayout } from './pdf-layout';
import { writeRemoteRunRequests, writeRemoteTargetIdentity } from './pdf-section-remote-target';
import { runsByTarget, type AuditReport, type ReportRun } from './report-model';
import { verdictRules } from './report-verdict';

const checkNames: Record<string, string> = {
  polarity: 'Polarity',
  'null-model': 'Null model',
  'blind-baseline': 'Blind baseline',
};

/** A check's status in words a reader expects. */
const checkResults: Record<string, string> = { ok: 'passed', warn: 'WARNING', 'not-applicable': 'not run' };

/** A parameter value as a reader expects it: yes/no, plain numbers and text, lists and objects compactly. */
function parameterValue(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (value === null || value === undefined) return '—';
  return JSON.stringify(value);
}

/** The rows of a run's parameter table: its attack's parameters, then the seed and the choices of the run. */
function parameterRows(run: ReportRun): string[][] {
  const config = run.details.config as { params?: Record<string, unknown>; seed?: unknown; resize?: unknown };
  const entries: [string, unknown][] = [
    ...Object.entries(config.params ?? {}),
    ['seed', config.seed],
    ['resize images', config.resize ?? false],
  ];
  return entries.map(([name, value]) => [name, parameterValue(value)]);
}

export function writeMethodology(layout: PdfLayout, report: AuditReport): void {
  const { heading, paragraph, table, hashLine, runLabel, width } = layout;
  heading('Methodology', 18);
  paragraph(
    'Each attack gives every audited record a score, higher meaning "more likely a member". The figures compare the scores of records known to be members (in the target model\'s training data) with those of non-members: the AUC over all thresholds, and the true-positive rate (TPR) at fixed low false-positive rates (FPR), where an attacker makes few false accusations. Intervals are 95 % stratified bootstrap percentile intervals: members and non-members are resampled separately.',
  );
  heading('How the verdict is decided', 13);
  for (const rule of verdictRules) paragraph(`• ${rule}`);

  heading('Runs: parameters and validity checks', 13);
  for (const run of report.runs) {
    heading(`${runLabel(run)} — ${run.attackTitle}`, 11, 100);
    paragraph(run.attackDescription, { size: 9.5 });
    table(
      [
        { title: 'Parameter', width: 160 },
        { title: 'Value', width: width - 160 },
      ],
      parameterRows(run),
    );
    table(
      [
        { title: 'Check', width: 90 },
        { title: 'Result', width: 60 },
        { title: 'What it found', width: width - 150 },
      ],
      run.details.checks.map((check) => [checkNames[check.kind] ?? check.kind, checkResults[check.status] ?? check.status, check.message]),
    );
    paragraph(`${formatCount(run.details.run.modelCalls)} model calls; engine ${run.engineVersion}.`, { size: 9 });
    writeRemoteRunRequests(layout, run);
    hashLine('Run inputs hash (combined):', run.modelHash);
    paragraph('(the ids and model hashes of the target and of every reference, shadow and null model of the run)', {
      size: 8,
      colour: '#5b6470',
    });
    hashLine('Data hash:', run.dataHash);
  }

  heading('Target model identity', 13);
  paragraph(
    'Each file with its own SHA-256, what sha256sum prints for that file, so that a client can check the delivered files one by one. A model served over the network is named by its endpoint and, per served component, the identity hash it had at import.',
  );
  for (const target of runsByTarget(report)) {
    const run = target.runs[0]!;
    heading(target.name, 11, 80);
    if (run.targetRemote) writeRemoteTargetIdentity(layout, run.targetRemote);
    if (run.targetLabelOnly) {
      paragraph(
        'Treated as label-only: only the predicted label of each query was read, as from an API that returns labels; attacks that need probabilities or logits were refused.',
        { size: 9.5 },
      );
    }
    for (const file of run.targetFiles) {
      const size = file.bytes === null ? 'missing now' : `${formatCount(file.bytes)} bytes`;
      paragraph(`${file.name} (${file.role}), ${size}`, { size: 9.5 });
      hashLine('SHA-256', file.sha256);
    }
    hashLine(`${modelHashLabel}:`, run.targetModelHash, '.');
    paragraph(modelHashDescription, { size: 8.5, colour: '#5b6470' });
  }
}
