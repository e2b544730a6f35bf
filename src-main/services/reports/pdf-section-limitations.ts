// The PDF report's limitations: what a membership inference result shows and what it does not, with the caveats on
// distribution shift tied to the report's own null-model and blind-baseline checks, on sample size, and, when a target
// is served over the network, on what its results describe.
import { formatCount } from '../../../src-shared/presentation/format';
import type { PdfLayout } from './pdf-layout';
import type { AuditReport } from './report-model';

export function writeLimitations({ heading, paragraph }: PdfLayout, report: AuditReport): void {
  heading('Limitations', 18);
  const smallest = Math.min(...report.runs.map((run) => Math.min(run.curves.members, run.curves.nonMembers)));
  const flagged = report.runs.filter((run) =>
    run.details.checks.some((check) => (check.kind === 'blind-baseline' || check.kind === 'null-model') && check.status === 'warn'),
  ).length;
  const items: [string, string][] = [
    [
      'What a positive result shows.',
      'An attack that separates members from non-members shows that the model behaves measurably differently on the records it was trained on: someone with the same access could tell, better than by guessing, whether a given record was in the training data. The most exposed records are the ones at risk first.',
    ],
    [
      'What a negative result does not show.',
      'No measurable leakage means that these attacks, with these parameters, on these records, did not find any. Stronger attacks, more reference models, other records or another kind of access may still succeed. It is not a proof of privacy, and it is not a differential-privacy guarantee.',
    ],
    [
      'Distribution shift.',
      `If members and non-members differ in something other than membership (collected at another time, another source, another preprocessing), an attack can separate them without any memorisation. The blind baseline scores records without the target model, and the null model is a model that never saw the members; either one separating the groups warns of such a shift. ${flagged > 0 ? `In this report ${flagged} run${flagged === 1 ? '' : 's'} warned, and their figures are not counted in the verdicts.` : 'In this report neither check warned where it could run; where a check could not run, this cause cannot be ruled out.'}`,
    ],
    [
      'Sample size.',
      `Every figure is an estimate from a finite set of records; the 95 % intervals show how far it could move. The smallest group in any run here has ${formatCount(smallest)} records. TPR at 0.1 % FPR needs at least 1,000 non-members to be measured at all, and intervals at low FPR are wide unless there are many thousands.`,
    ],
    [
      'Scope.',
      'The results hold for the model files whose SHA-256 is listed in the methodology (for a model served over the network, the served components whose identity is listed there). Another version of the model, even retrained on the same data, must be audited again.',
    ],
  ];
  const remoteTargets = [
    ...new Set(report.runs.flatMap((run) => (run.targetRemote ? [run.details.targetModelName ?? run.targetRemote.url] : []))),
  ];
  if (remoteTargets.length > 0) {
    items.push([
      'Remote targets.',
      `Results on a target served over the network (${remoteTargets.join(', ')}) describe the model as its server served it at the time of the audit. The identity check before each run guards against a model that changed between runs, not against one changed while a run was sending its requests; the server's own hardware and software are outside this report's environment.`,
    ]);
  }
  for (const [lead, text] of items) paragraph(text, { lead });
}
