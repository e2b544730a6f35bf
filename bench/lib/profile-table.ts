// The bench's profile table: where each engine workload's time goes (decode, preprocess, model, scoring, other),
// from the stage timer (src-main/engine/profiling/stage-timer.ts), and the ceiling the model time alone sets.
import { profileStages, type StageSeconds } from '../../src-main/engine/profiling/stage-timer';
import { boundRecordsPerSecond, type Row } from './report';

/** The repeat whose total time is the median one (its stages add up, unlike per-stage medians). */
function medianRepeat(seconds: readonly number[]): number {
  const order = seconds.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  return order[(order.length - 1) >> 1]![1];
}

export function formatProfileTable(rows: readonly Row[]): string {
  const header = ['family', 'seconds', ...profileStages, 'other', 'model-only rec/s', 'model-only % of bound'];
  const lines = rows
    .filter((row) => row.engine.profiles.length === row.engine.seconds.length && row.engine.seconds.length > 0)
    .map((row) => {
      const at = medianRepeat(row.engine.seconds);
      const total = row.engine.seconds[at]!;
      const stages: StageSeconds = row.engine.profiles[at]!;
      const counted = profileStages.reduce((sum, stage) => sum + stages[stage], 0);
      const cell = (s: number) => `${s.toFixed(3)} (${((100 * s) / total).toFixed(0)} %)`;
      const modelOnly = row.engine.records / stages.model;
      const bound = boundRecordsPerSecond(row);
      return [
        row.family,
        total.toFixed(3),
        ...profileStages.map((stage) => cell(stages[stage])),
        cell(Math.max(0, total - counted)),
        modelOnly.toFixed(1),
        bound === null ? '–' : `${((100 * modelOnly) / bound).toFixed(1)} %`,
      ];
    });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}
