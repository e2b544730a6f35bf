// The μ of the Gaussian-differential-privacy trade-off curve that fits a run's ROC, and the ε(δ) a μ implies.
// Under μ-GDP an attacker with false-positive rate α misses at least Φ(Φ⁻¹(1 − α) − μ) of the members: its best
// ROC is the one of two unit-variance Gaussians μ apart, whose area is Φ(μ/√2).
import { standardNormalCdf, standardNormalQuantile } from './normal-distribution';

export interface GdpFit {
  /** null when the ROC has area 1: no finite μ fits a perfect separation. */
  readonly mu: number | null;
  readonly note: string;
}

/** The fitting rule, as the run's note and the report state it. */
export const GDP_FIT_RULE =
  'μ of the Gaussian-DP trade-off curve with the same area as the ROC: μ = √2·Φ⁻¹(AUC), 0 when AUC ≤ 0.5. A point estimate, without an interval.';

/**
 * Area matching: the one μ whose trade-off curve encloses the measured AUC. It uses every threshold at once, so it
 * does not chase the noisiest corner of the ROC the way a maximum over thresholds does; when the scores really are
 * two Gaussians with equal variance it recovers their distance.
 */
export function gdpMuFromAuc(auc: number): GdpFit {
  if (!(auc > 0.5)) return { mu: 0, note: GDP_FIT_RULE };
  if (auc >= 1) return { mu: null, note: 'n/a: the ROC separates members from non-members completely, so no finite μ fits it.' };
  return { mu: Math.SQRT2 * standardNormalQuantile(auc), note: GDP_FIT_RULE };
}

/** δ(ε) of μ-GDP (Dong, Roth and Su): Φ(−ε/μ + μ/2) − e^ε·Φ(−ε/μ − μ/2). */
export function gdpDelta(mu: number, epsilon: number): number {
  return standardNormalCdf(-epsilon / mu + mu / 2) - Math.exp(epsilon) * standardNormalCdf(-epsilon / mu - mu / 2);
}

/** The smallest ε with δ(ε) ≤ δ under μ-GDP: the privacy loss the mechanism actually has at that δ. */
export function gdpEpsilon(mu: number, delta: number): number {
  if (mu <= 0 || gdpDelta(mu, 0) <= delta) return 0;
  let low = 0;
  let high = 1;
  while (gdpDelta(mu, high) > delta) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-14 * high; i++) {
    const middle = (low + high) / 2;
    if (gdpDelta(mu, middle) > delta) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}
