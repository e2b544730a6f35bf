// The readable verdict of `mia audit --policy` without --json: aligned columns, scopes in words, optional rules
// marked, and the validity warnings under the table.
import { describe, expect, it } from 'vitest';
import { verdictTable } from '../../../src-main/cli/verdict-table';

describe('verdict table', () => {
  it('prints one aligned line per row, then each warning', () => {
    const text = verdictTable({
      status: 'fail',
      policy: 'Client bar',
      rules: [
        {
          index: 0,
          rule: 'auc <= 0.6',
          scope: { family: null, attack: null },
          optional: false,
          run: 12,
          attack: 'loss',
          value: 0.6651,
          status: 'fail',
        },
        {
          index: 1,
          rule: 'epsilon_lb.value <= 4',
          scope: { family: 'classifier', attack: 'lira' },
          optional: true,
          run: null,
          attack: null,
          value: null,
          status: 'not-applicable',
        },
      ],
      warnings: [{ run: 12, check: 'population-shift', message: 'members and non-members differ.' }],
    });
    expect(text.split('\n')).toEqual([
      'Verdict: FAIL (policy "Client bar")',
      '  rule                              scope                           run  attack  value  status',
      '  auc <= 0.6                        all runs                        12   loss    0.665  fail',
      '  epsilon_lb.value <= 4 (optional)  family classifier, attack lira  -    -       n/a    not-applicable',
      '  warning, run 12 population-shift: members and non-members differ.',
      '',
    ]);
  });
});
