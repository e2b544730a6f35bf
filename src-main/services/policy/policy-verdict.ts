// Judges an audit's runs against a risk policy: one row per rule and run in the rule's scope, and a pass/fail
// verdict. Decisions (also in the README's Security section):
// - A metric a run lacks (null: not computed, not measurable at this sample size, a run that did not finish) is
//   "not-measured"; that fails the verdict unless the rule says `optional: true`. An unmeasured figure is not evidence
//   of safety.
// - A rule whose scope matches no run of the audit is "not-applicable" and does not change the verdict, so one policy
//   can serve audits of several families; but a verdict in which no rule was measured on any run is a fail.
// - Runs whose validity checks warned are still judged on their figures; every warning is listed with the verdict so
//   the reader sees which figures to trust less.
import type { PolicyVerdict, RuleStatus, VerdictRow } from '../../../src-shared/contract/contract-audit';
import type { ModelKind } from '../../../src-shared/domain/models';
import { findRunAttack } from '../../engine/attacks/run-attack';
import type { RunHeadline } from '../run-headline';
import type { RiskPolicy, RiskPolicyRule } from './policy-file';
import { policyMetrics } from './policy-metrics';
import { satisfies } from './policy-rule';

// The verdict's shape is the contract's (the UI receives it through `audit.verdicts`), so it is written once.
export type { RuleStatus, VerdictRow };
export type Verdict = PolicyVerdict;

/** The part of a run's headline a verdict reads. */
export type JudgedRun = Pick<RunHeadline, 'id' | 'attack' | 'params' | 'status' | 'metrics' | 'checks'>;

export function judgeRuns(policy: RiskPolicy, runs: readonly JudgedRun[]): Verdict {
  const rows = policy.rules.flatMap((rule, index) => judgeRule(rule, index, runs));
  const failed = rows.some((row) => row.status === 'fail' || (row.status === 'not-measured' && !row.optional));
  const measuredAny = rows.some((row) => row.status === 'pass' || row.status === 'fail');
  return {
    status: failed || !measuredAny ? 'fail' : 'pass',
    policy: policy.name ?? null,
    rules: rows,
    warnings: runs.flatMap((run) =>
      Object.entries(run.checks)
        .filter(([, check]) => check.status === 'warn')
        .map(([check, { message }]) => ({ run: run.id, check, message })),
    ),
  };
}

function judgeRule(rule: RiskPolicyRule, index: number, runs: readonly JudgedRun[]): VerdictRow[] {
  const base = {
    index,
    rule: rule.rule.text,
    scope: { family: rule.family ?? null, attack: rule.attack ?? null },
    optional: rule.optional,
  };
  const inScope = runs.filter(
    (run) => (rule.attack === undefined || run.attack === rule.attack) && (rule.family === undefined || familyOf(run) === rule.family),
  );
  if (inScope.length === 0) return [{ ...base, run: null, attack: null, value: null, status: 'not-applicable' }];
  const read = policyMetrics[rule.rule.metric]!;
  return inScope.map((run) => {
    const value = run.status === 'finished' ? read(run.metrics) : null;
    const status: RuleStatus = value === null ? 'not-measured' : satisfies(value, rule.rule) ? 'pass' : 'fail';
    return { ...base, run: run.id, attack: run.attack, value, status };
  });
}

/**
 * The family of a run's attack (a set-inference run's is its base attack's, run-attack.ts); undefined for an attack
 * this build does not list, which only unscoped rules judge.
 */
function familyOf(run: JudgedRun): ModelKind | undefined {
  try {
    return findRunAttack(run.attack, run.params).family;
  } catch {
    return undefined;
  }
}
