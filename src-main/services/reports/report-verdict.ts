// The plain-language verdict of a report's executive summary, decided here and only here: for one run from its
// validity checks and the 95 % confidence intervals of its AUC and TPR at 1 % FPR, and for a target model from its
// runs (the worst case among the runs whose checks passed). The thresholds are stated in the PDF's methodology from
// `verdictRules`, so the text and the rule cannot drift apart. A set-level inference run has no AUC by design: it is
// its own kind ('set-level'), judged by its p-value in its own section, never counted in nor made inconclusive by this.
import { MiaError } from '../../common/errors';
import type { StoredCheckRow, StoredMetricRow } from '../../../src-shared/contract/contract';
import { readSetInference } from '../../../src-shared/domain/set-inference';

export type VerdictKind = 'leaks' | 'some-leakage' | 'no-measurable-leakage' | 'inconclusive' | 'set-level';

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
  'set-level': 'Set-level test',
};

/** The rules in words, for the methodology. */
export const verdictRules: readonly string[] = [
  `Leaks membership: the lower end of the 95 % interval of the AUC is at least ${verdictThresholds.strongAucLow}, or that of the TPR at 1 % FPR is at least ${verdictThresholds.strongTprLow * 100} % (five times chance).`,
  `Some measurable leakage: otherwise, the lower end of the AUC interval is above ${verdictThresholds.chanceAuc}, or that of the TPR at 1 % FPR is above 1 % (chance).`,
  'No measurable leakage with these attacks: both intervals reach down to chance.',
  'Inconclusive: a validity check (polarity, null model, blind baseline) warned, or the AUC or its interval could not be computed. Such a run is shown but not counted in its target’s verdict; a target whose runs are all inconclusive is inconclusive.',
  'A target’s verdict is that of its worst case: the counted run with the most severe verdict, then the highest TPR at 1 % FPR, then the highest AUC.',
  'Set-level inference runs test a suspect collection as a whole and have no AUC by design: they are neither counted in a target’s verdict nor called inconclusive; the summary lists them separately with their p-value and the decision at the 1 % level.',
];

export interface RunVerdict {
  readonly kind: VerdictKind;
  /** Why a run is inconclusive (the checks that warned, or the missing figure); null otherwise. */
  readonly reason: string | null;
}

// A set-level run never reaches the ranking (targetVerdict sets them aside first); its entry only completes the table.
const severity: Record<VerdictKind, number> = { 'set-level': -1, inconclusive: 0, 'no-measurable-leakage': 1, 'some-leakage': 2, leaks: 3 };

function metric(run: VerdictInput, name: 'auc' | 'tpr@0.01'): StoredMetricRow | null {
  return run.metrics.find((m) => m.name === name && m.slice === '') ?? null;
}

export function runVerdict(run: VerdictInput): RunVerdict {
  if (isSetLevelRun(run)) return { kind: 'set-level', reason: null };
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

/** Whether a run is a set-level inference test (it stored the test's figures): the one test of that kind. */
export function isSetLevelRun(run: VerdictInput): boolean {
  return readSetInference(run.metrics) !== null;
}

/**
 * The verdict for one target model from its runs (at least one); null when every run is a set-level test, since those
 * say nothing about single records.
 */
export function targetVerdict<Run extends VerdictInput>(runs: readonly Run[]): TargetVerdict<Run> | null {
  if (runs.length === 0) throw new MiaError('export.no-runs', 'A target verdict needs at least one of its runs; none was given.');
  const perRecord = runs.filter((run) => !isSetLevelRun(run));
  if (perRecord.length === 0) return null;
  const judged = perRecord.map((run) => ({ run, verdict: runVerdict(run) }));
  const counted = judged.filter((entry) => entry.verdict.kind !== 'inconclusive');
  const candidates = counted.length > 0 ? counted : judged;
  const figure = (run: Run, name: 'auc' | 'tpr@0.01'): number => metric(run, name)?.value ?? -1;
  // perRecord is not empty, so neither are the candidates.
  const worst = [...candidates].sort(
    (a, b) =>
      severity[b.verdict.kind] - severity[a.verdict.kind] ||
      figure(b.run, 'tpr@0.01') - figure(a.run, 'tpr@0.01') ||
      figure(b.run, 'auc') - figure(a.run, 'auc'),
  )[0]!;
  return {
    kind: counted.length > 0 ? worst.verdict.kind : 'inconclusive',
    worst: worst.run,
    leftOut: judged.filter((entry) => entry.verdict.kind === 'inconclusive').map((entry) => entry.run),
  };
}
