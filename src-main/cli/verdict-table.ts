// The readable verdict `mia audit --policy FILE` prints without --json: one line per rule and run, then the
// validity warnings the verdict was reached despite.
import { verdictHeadline, verdictScopeText, verdictValueText } from '../../src-shared/presentation/policy-verdict-text';
import type { Verdict } from '../services/policy/policy-verdict';

export function verdictTable(verdict: Verdict): string {
  const lines = verdict.rules.map((row) => [
    row.rule + (row.optional ? ' (optional)' : ''),
    verdictScopeText(row.scope),
    row.run === null ? '-' : String(row.run),
    row.attack ?? '-',
    verdictValueText(row.value),
    row.status,
  ]);
  const header = ['rule', 'scope', 'run', 'attack', 'value', 'status'];
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) => `  ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd();
  const title = `Verdict: ${verdictHeadline(verdict)}`;
  const warnings = verdict.warnings.map((w) => `  warning, run ${w.run} ${w.check}: ${w.message}`);
  return [title, format(header), ...lines.map(format), ...warnings].join('\n') + '\n';
}
