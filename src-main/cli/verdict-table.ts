// The readable verdict `mia audit --policy FILE` prints without --json: one line per rule and run, then the
// validity warnings the verdict was reached despite.
import type { Verdict, VerdictRow } from '../services/policy/policy-verdict';

export function verdictTable(verdict: Verdict): string {
  const lines = verdict.rules.map((row) => [
    row.rule + (row.optional ? ' (optional)' : ''),
    scopeText(row.scope),
    row.run === null ? '-' : String(row.run),
    row.attack ?? '-',
    row.value === null ? 'n/a' : row.value.toFixed(3),
    row.status,
  ]);
  const header = ['rule', 'scope', 'run', 'attack', 'value', 'status'];
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) => `  ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}`.trimEnd();
  const title = `Verdict: ${verdict.status.toUpperCase()}${verdict.policy ? ` (policy "${verdict.policy}")` : ''}`;
  const warnings = verdict.warnings.map((w) => `  warning, run ${w.run} ${w.check}: ${w.message}`);
  return [title, format(header), ...lines.map(format), ...warnings].join('\n') + '\n';
}

function scopeText(scope: VerdictRow['scope']): string {
  const parts = [scope.family && `family ${scope.family}`, scope.attack && `attack ${scope.attack}`].filter(Boolean);
  return parts.length ? parts.join(', ') : 'all runs';
}
