// Number and duration formatting shared by the views, the PDF report and the tests (free of Vue and the DOM):
// one function per kind of figure, so a number reads the same wherever it is shown.
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A metric value in [0, 1] (AUC, TPR, accuracy …) with three decimals; null is "n/a". */
export function formatMetric(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(3);
}

/** "0.581–0.643", or "n/a" when either end is missing. */
export function formatInterval(low: number | null | undefined, high: number | null | undefined): string {
  if (low === null || low === undefined || high === null || high === undefined) return 'n/a';
  return `${formatMetric(low)}–${formatMetric(high)}`;
}

/** Whole numbers with thousands separators, the same in every locale (tests compare the text). */
export function formatCount(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An attack score: its scale depends on the attack, so four significant digits. */
export function formatScore(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : value.toPrecision(4);
}

export function formatRate(perSecond: number | null, unit: string): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return '—';
  return `${perSecond >= 100 ? Math.round(perSecond) : perSecond.toFixed(1)} ${unit}/s`;
}

/** "12.5 %" for a fraction; used for FPR bounds in headings. */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))} %`;
}
