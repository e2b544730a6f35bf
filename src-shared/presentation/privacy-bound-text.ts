// How the empirical ε lower bound and the Gaussian-DP μ read on screen and in the PDF: the value never appears
// without its δ, confidence, number of guesses and how the threshold was chosen. Plain TypeScript: no Vue, no DOM.
import type { EpsilonMethod, StoredEpsilonBound, StoredGdpMu } from '../domain/privacy-bound';
import { formatCount, formatPercent } from './format';

export const epsilonMethodLabels: Readonly<Record<EpsilonMethod, string>> = {
  'calibration-split': 'threshold chosen on calibration records',
  bonferroni: 'Bonferroni-corrected over every threshold',
};

/** "2.31", or "n/a". ε is a log-ratio, not a share, so two decimals rather than three. */
export function formatEpsilon(value: number | null): string {
  return value === null || !Number.isFinite(value) ? 'n/a' : value.toFixed(2);
}

/** "1e-5" for 0.00001: δ is set in powers of ten. */
export function formatDelta(delta: number): string {
  return delta.toExponential();
}

/** "δ = 1e-5 · 95 % confidence · 2,000 guesses · Bonferroni-corrected over every threshold". */
export function epsilonQualifiers(bound: StoredEpsilonBound): string {
  return [
    `δ = ${formatDelta(bound.delta)}`,
    `${formatPercent(bound.confidence)} confidence`,
    `${formatCount(bound.guesses)} guesses`,
    epsilonMethodLabels[bound.method],
  ].join(' · ');
}

/** "ε ≥ 2.31 (δ = 1e-5 · …)": one line for a table cell or a report sentence. */
export function epsilonSentence(bound: StoredEpsilonBound): string {
  return bound.value === null ? `ε: n/a (${epsilonQualifiers(bound)})` : `ε ≥ ${formatEpsilon(bound.value)} (${epsilonQualifiers(bound)})`;
}

/** μ with two decimals, or "n/a". */
export function formatGdpMu(mu: StoredGdpMu | null): string {
  return mu === null ? 'n/a' : formatEpsilon(mu.value);
}
