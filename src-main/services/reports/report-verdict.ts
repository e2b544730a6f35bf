// The plain-language verdict of a report's executive summary, decided here and only here: for one run from its
// validity checks and the 95 % confidence intervals of its AUC and TPR at 1 % FPR, and for a target model from its
// runs (the worst case among the runs whose checks passed). The thresholds are stated in the PDF's methodology from
// `verdictRules`, so the text and the rule cannot drift apart.
import { MiaError } from '../../common/errors';
import type { StoredCheckRow, StoredMetricRow } from '../../../src-shared/contract/contract';

export type VerdictKind = 'leaks' | 'some-leakage' | 'no-measurable-leakage' | 'inconclusive';

/** What a verdict needs from a run: its stored metrics and checks (RunDetails has both). */
export interface VerdictInput {
  readonly metrics: readonly StoredMetricRow[];
  readonly checks: readonly StoredCheckRow[];
}

/**
 * Chance is AUC 0.5 and TPR = FPR (1 % at 1 % FPR). A run "leaks" when even the low end of an interval is well clear
 * of chance; it shows "some leakage" when the low end is above chance but not by that much.
 */
export const verdictThresholds = {
  chanceAuc: 0.5,
  strongAucLow: 0.6,
  lowFpr: 0.01,
  /** TPR at 1 % FPR whose interval starts at 5 × the FPR or more: 1 in 20 members or more singled out. */
  strongTprLow: 0.05,
} as const;

export const verdictHeadlines: Record<VerdictKind, string> = {
  leaks: 'Leaks membership',
  'some-leakage': 'Some measurable leakage',
  'no-measurable-leakage': 'No measurable leakage with these attacks',
  inconclusive: 'Inconclusive',
};

/** The rules in words, for the methodology. */
export const verdictRules: readonly string[] = [
  `Leaks membership: the lower end of the 95 % interval of the AUC is at least ${verdictThresholds.strongAucLow}, or that of the TPR at 1 % FPR is at least ${verdictThresholds.strongTprLow * 100} % (five times chance).`,
  `Some measurable leakage: otherwise, the lower end of the AUC interval is above ${verdictThresholds.chanceAuc}, or that of the TPR at 1 % FPR is above 1 % (chance).`,
  'No measurable leakage with these attacks: both intervals reach down to chance.',
  'Inconclusive: a validity check (polarity, null model, blind baseline) warned, or the AUC or its interval could not be computed. Such a run is shown but not counted in its target’s verdict; a target whose runs are all inconclusive is inconclusive.',
  'A target’s verdict is that of its worst case: the counted run with the most severe verdict, then the highest TPR at 1 % FPR, then the highest AUC.',
];

export interface RunVerdict {
  readonly kind: VerdictKind;
  /** Why a run is inconclusive (the checks that warned, or the missing figure); null otherwise. */
  readonly reason: string | null;
}

const severity: Record<VerdictKind, number> = { inconclusive: 0, 'no-measurable-leakage': 1, 'some-leakage': 2, leaks: 3 };

function metric(run: VerdictInput, name: 'auc' | 'tpr@0.01'): StoredMetricRow | null {
  return run.metrics.find((m) => m.name === name && m.slice === '') ?? null;
}

export function runVerdict(run: VerdictInput): RunVerdict {
  const warned = run.checks.filter((check) => check.status === 'warn').map((check) => check.kind);
  if (warned.length > 0) return { kind: 'inconclusive', reason: `validity checks failed: ${warned.join(', ')}` };
  const auc = metric(run, 'auc');
  if (auc?.value === null || auc?.value === undefined) return { kind: 'inconclusive', reason: 'the AUC could not be computed' };
  if (auc.ciLow === null) return { kind: 'inconclusive', reason: 'the AUC has no confidence interval (too few records)' };
  // A TPR at 1 % FPR without an interval (too few non-members to measure it) does not count either way.
  const tprLow = metric(run, 'tpr@0.01')?.ciLow ?? null;
  if (auc.ciLow >= verdictThresholds.strongAucLow || (tprLow !== null && tprLow >= verdictThresholds.strongTprLow)) {
    return { kind: 'leaks', reason: null };
  }
  if (auc.ciLow > verdictThresholds.chanceAuc || (tprLow !== null && tprLow > verdictThresholds.lowFpr)) {
    return { kind: 'some-leakage', reason: null };
  }
  return { kind: 'no-measurable-leakage', reason: null };
}

export interface TargetVerdict<Run extends VerdictInput> {
  readonly kind: VerdictKind;
  /** The run the verdict rests on; when every run is inconclusive, the one with the highest TPR at 1 % FPR. */
  readonly worst: Run;
  /** Runs left out of the verdict because they are inconclusive. */
  readonly leftOut: readonly Run[];
}

/** The verdict for one target model from its runs (at least one). */
export function targetVerdict<Run extends VerdictInput>(runs: readonly Run[]): TargetVerdict<Run> {
  const judged = runs.map((run) => ({ run, verdict: runVerdict(run) }));
  const counted = judged.filter((entry) => entry.verdict.kind !== 'inconclusive');
  const candidates = counted.length > 0 ? counted : judged;
  const figure = (run: Run, name: 'auc' | 'tpr@0.01'): number => metric(run, name)?.value ?? -1;
  const [worst] = [...candidates].sort(
    (a, b) =>
      severity[b.verdict.kind] - severity[a.verdict.kind] ||
      figure(b.run, 'tpr@0.01') - figure(a.run, 'tpr@0.01') ||
      figure(b.run, 'auc') - figure(a.run, 'auc'),
  );
  if (!worst) throw new MiaError('export.no-runs', 'A target verdict needs at least one of its runs; none was given.');
  return {
    kind: counted.length > 0 ? worst.verdict.kind : 'inconclusive',
    worst: worst.run,
    leftOut: judged.filter((entry) => entry.verdict.kind === 'inconclusive').map((entry) => entry.run),
  };
}
