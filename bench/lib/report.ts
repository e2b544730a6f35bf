// The bench's printed table: engine and PyTorch throughput per family (median and min–max of the repeats), their
// ratio, peak RSS, the FLOP bound and the parity of the two implementations' outputs.
import type { WorkloadResult } from './engine-workloads';
import { spreadOf, type Spread } from './measure';
import type { TorchResult } from './torch-child';

export interface Row {
  readonly family: string;
  readonly engine: WorkloadResult & { peakRssMib: number };
  readonly reference: TorchResult | null;
  /** Largest |engine − torch| over the verified outputs. */
  readonly parity: number | null;
  readonly peakFlops: Spread | null;
}

export function compareOutputs(engine: Record<string, number[]>, torch: Record<string, number[]>): number {
  let worst = 0;
  for (const [name, values] of Object.entries(engine)) {
    const other = torch[name];
    if (!other || other.length !== values.length) return Infinity;
    values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - other[i]!))));
  }
  return worst;
}

/** Records/s if every multiply-add ran at the best measured GEMM rate; null without PyTorch's MAC counts. */
export function boundRecordsPerSecond(row: Row): number | null {
  const { reference, peakFlops } = row;
  if (!reference || !peakFlops) return null;
  const flops = Object.entries(reference.calls_by_model).reduce(
    (sum, [model, calls]) => sum + 2 * calls * reference.macs_per_call[model]!,
    0,
  );
  return row.engine.records / (flops / peakFlops.max);
}

const rate = (count: number, seconds: readonly number[]): Spread => {
  const s = spreadOf(seconds);
  return { median: count / s.median, min: count / s.max, max: count / s.min };
};
const fmt = (s: Spread, digits = 0) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

export function formatTable(rows: readonly Row[]): string {
  const header = [
    'family',
    'records',
    'calls',
    'engine rec/s',
    'engine calls/s',
    'torch rec/s',
    'torch calls/s',
    'engine/torch',
    'RSS engine/torch MiB',
    'bound rec/s',
    'engine % of bound',
    'max |Δ| out',
  ];
  const lines = rows.map((row) => {
    const { engine, reference } = row;
    const engineRecords = rate(engine.records, engine.seconds);
    const engineCalls = rate(engine.calls, engine.seconds);
    const torchRecords = reference ? rate(reference.records, reference.seconds) : null;
    const torchCalls = reference ? rate(reference.calls, reference.seconds) : null;
    let bound = '–';
    let share = '–';
    const boundRecords = boundRecordsPerSecond(row);
    if (boundRecords !== null) {
      bound = boundRecords.toFixed(0);
      share = `${((100 * engineRecords.median) / boundRecords).toFixed(1)} %`;
    }
    return [
      row.family,
      String(engine.records),
      String(engine.calls),
      fmt(engineRecords, 1),
      fmt(engineCalls),
      torchRecords ? fmt(torchRecords, 1) : '–',
      torchCalls ? fmt(torchCalls) : '–',
      torchRecords ? `${(engineRecords.median / torchRecords.median).toFixed(2)}×` : '–',
      `${engine.peakRssMib.toFixed(0)} / ${reference ? reference.peak_rss_mib.toFixed(0) : '–'}`,
      bound,
      share,
      row.parity === null ? '–' : row.parity.toExponential(1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}
