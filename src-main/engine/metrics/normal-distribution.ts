// The standard normal distribution: Φ, its quantile Φ⁻¹ (the Gaussian-DP figures are written in them), log Φ for
// LiRA's Gaussian statistics, and the one complementary error function they all rest on.

/** Φ(z) = ½·erfc(−z/√2). */
export function standardNormalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/**
 * Φ⁻¹(p) for 0 < p < 1 (−∞ at 0, +∞ at 1), by bisection on Φ: slower than a rational approximation but exact to the
 * last bits Φ itself resolves, and it is called a handful of times per run. The upper half is solved through the
 * lower one (Φ⁻¹(p) = −Φ⁻¹(1 − p)) where Φ keeps its relative precision.
 */
export function standardNormalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p > 0.5) return -standardNormalQuantile(1 - p);
  let low = -40;
  let high = 0;
  for (let i = 0; i < 200; i++) {
    const middle = (low + high) / 2;
    if (middle <= low || middle >= high) break;
    if (standardNormalCdf(middle) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/**
 * log Φ(z), accurate in both tails: confident members far in the upper tail must not all tie at log 1 = 0, and
 * values far in the lower tail must not underflow to −∞. Φ(z) = ½·erfc(−z/√2).
 */
export function logStandardNormalCdf(z: number): number {
  if (z > 8) return -Math.exp(-0.5 * z * z) / (z * Math.sqrt(2 * Math.PI)); // log(1 − ε) ≈ −ε
  const x = -z / Math.SQRT2;
  if (x < 2) return Math.log(0.5 * erfc(x));
  return Math.log(0.5) + logErfcLarge(x);
}

/** Complementary error function: the Taylor series of erf below 2, a continued fraction above. */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π Σ (−1)^n x^(2n+1) / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  return Math.exp(logErfcLarge(x));
}

/**
 * log erfc(x) for x ≥ 2 from the continued fraction erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))),
 * evaluated with the modified Lentz method and kept in log space so it never underflows.
 */
function logErfcLarge(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -x * x - 0.5 * Math.log(Math.PI) - Math.log(f);
}
