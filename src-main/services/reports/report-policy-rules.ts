// A risk policy's verdict for one target condensed to one line per rule, for the PDF's first page: the metric, its
// limit, the scope, the measured value of the run nearest to (or furthest past) the limit, and the rule's result. The
// full verdict (every rule on every run) is what `mia audit --policy --json` and the app's Runs view list.
import type { PolicyVerdict, VerdictRow } from '../../../src-shared/contract/contract';
import { ruleStatusText, verdictScopeText, verdictValueText } from '../../../src-shared/presentation/policy-verdict-text';
import { parsePolicyExpression } from '../policy/policy-rule';

export interface RuleLine {
  readonly metric: string;
  /** "<= 0.63". */
  readonly limit: string;
  readonly scope: string;
  /** "0.665 (run #3 loss)", "0.701 (run #5 lira, worst of 2 runs)", or "–" when no run was in scope. */
  readonly measured: string;
  /** "pass", "FAIL (1 of 2 runs)", "not measured: fails", "no run in scope" … */
  readonly result: string;
}

export function ruleLines(verdict: PolicyVerdict): RuleLine[] {
  const byRule = new Map<number, VerdictRow[]>();
  for (const row of verdict.rules) byRule.set(row.index, [...(byRule.get(row.index) ?? []), row]);
  return [...byRule.values()].map((rows) => {
    const first = rows[0]!;
    const parsed = parsePolicyExpression(first.rule);
    const expression = parsed.ok ? parsed.expression : null;
    const inScope = rows.filter((row) => row.status !== 'not-applicable');
    const measured = inScope.filter((row): row is VerdictRow & { value: number; run: number } => row.value !== null && row.run !== null);
    // The run that decides the rule: the highest value under an upper limit, the lowest under a lower one.
    const upper = expression === null || expression.operator.startsWith('<');
    const worst = measured.reduce<(typeof measured)[number] | null>(
      (best, row) => (best === null || (upper ? row.value > best.value : row.value < best.value) ? row : best),
      null,
    );
    const failed = inScope.filter((row) => row.status === 'fail').length;
    const unmeasured = inScope.find((row) => row.status === 'not-measured');
    const result =
      inScope.length === 0
        ? ruleStatusText(first)
        : failed > 0
          ? `FAIL (${failed} of ${inScope.length} run${inScope.length === 1 ? '' : 's'})`
          : unmeasured
            ? ruleStatusText(unmeasured)
            : 'pass';
    const runsNote = measured.length > 1 ? `, worst of ${measured.length} runs` : '';
    return {
      metric: expression?.metric ?? first.rule,
      limit: expression ? `${expression.operator} ${expression.threshold}` : '',
      scope: verdictScopeText(first.scope) + (first.optional ? ' (optional)' : ''),
      measured: worst
        ? `${verdictValueText(worst.value)} (run #${worst.run} ${worst.attack ?? ''}${runsNote})`
        : inScope.length === 0
          ? '–'
          : 'n/a',
      result,
    };
  });
}
