// How a risk policy's verdict reads in the app, the PDF and `mia audit`: the rule's scope, the measured value and each
// status in words. Plain TypeScript: no Vue, no DOM.
import type { PolicyVerdict, RuleStatus, VerdictRow } from '../contract/contract-audit';

/** "all runs", "family classifier", "family classifier, attack lira". */
export function verdictScopeText(scope: VerdictRow['scope']): string {
  const parts = [scope.family && `family ${scope.family}`, scope.attack && `attack ${scope.attack}`].filter(Boolean);
  return parts.length ? parts.join(', ') : 'all runs';
}

/** The measured value with three decimals, as `mia audit` prints it; "n/a" when the run lacks it. */
export function verdictValueText(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}

export const ruleStatusLabels: Readonly<Record<RuleStatus, string>> = {
  pass: 'pass',
  fail: 'FAIL',
  'not-measured': 'not measured',
  'not-applicable': 'no run in scope',
};

/** A not-measured rule fails the verdict unless it is optional; this says which. */
export function ruleStatusText(row: Pick<VerdictRow, 'status' | 'optional'>): string {
  if (row.status === 'not-measured') return row.optional ? 'not measured (optional)' : 'not measured: fails';
  return ruleStatusLabels[row.status];
}

/** "PASS — policy "Demo strict policy"" or "FAIL". */
export function verdictHeadline(verdict: Pick<PolicyVerdict, 'status' | 'policy'>): string {
  return `${verdict.status.toUpperCase()}${verdict.policy ? ` (policy "${verdict.policy}")` : ''}`;
}
