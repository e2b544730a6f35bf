// Exact (Clopper–Pearson) one-sided upper confidence bounds for a binomial rate, from a beta quantile written here:
// the regularized incomplete beta function by its continued fraction, inverted by bisection. The bounds are what
// turns an observed error rate of an attack into a rate it exceeds only with small probability (the ε lower bound).
import { MiaError } from '../../common/errors';
import { logGamma } from './log-gamma';

/**
 * ln(k!) for every k the bounds need, grown on demand: the beta parameters of a Clopper–Pearson bound are whole
 * numbers, so ln B(a, b) comes from three table reads instead of a gamma-function approximation.
 */
let logFactorials = new Float64Array([0, 0]);

function logFactorial(k: number): number {
  if (k >= logFactorials.length) {
    const grown = new Float64Array(Math.max(k + 1, logFactorials.length * 2));
    grown.set(logFactorials);
    for (let i = logFactorials.length; i < grown.length; i++) grown[i] = grown[i - 1]! + Math.log(i);
    logFactorials = grown;
  }
  return logFactorials[k]!;
}

/** ln B(a, b) for whole a, b ≥ 1. */
function logBetaWhole(a: number, b: number): number {
  return logFactorial(a - 1) + logFactorial(b - 1) - logFactorial(a + b - 1);
}

/** ln B(a, b): from the factorial table for whole a, b ≥ 1 (every Clopper–Pearson bound), else from ln Γ (Welch's t). */
function logBeta(a: number, b: number): number {
  if (Number.isInteger(a) && Number.isInteger(b) && a >= 1 && b >= 1) return logBetaWhole(a, b);
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * I_x(a, b), the regularized incomplete beta function, for a, b > 0: the probability that a Beta(a, b)
 * variable is at most x. The continued fraction converges fast for x < (a + 1)/(a + b + 2); above that the
 * symmetry I_x(a, b) = 1 − I_{1−x}(b, a) moves x into that region.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new MiaError('metrics.invalid-beta', `The incomplete beta function takes finite a, b > 0; got a = ${a}, b = ${b}.`, { a, b });
  }
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The continued fraction of I_x(a, b), evaluated with the modified Lentz method. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
  let fraction = d;
  for (let m = 1; m <= 100_000; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + even * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = 1 + even / c;
    if (Math.abs(c) < tiny) c = tiny;
    fraction *= d * c;
    const odd = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + odd * d;
    d = Math.abs(d) < tiny ? 1 / tiny : 1 / d;
    c = 1 + odd / c;
    if (Math.abs(c) < tiny) c = tiny;
    const step = d * c;
    fraction *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return fraction;
}

/** The p-quantile of Beta(a, b) for whole a, b ≥ 1: the x with I_x(a, b) = p, to about 1e-14 relative. */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(p > 0 && p < 1)) {
    throw new MiaError('metrics.invalid-beta', `A beta quantile needs a probability strictly between 0 and 1; got ${String(p)}.`, { p });
  }
  // I_x is increasing in x, so a bracket [low, high] around the root always exists. Newton steps (the derivative is
  // the beta density) converge in a few iterations; a step that leaves the bracket is replaced by halving it, so the
  // search can never diverge. The stopping rule is relative, so small bounds keep their precision.
  const logBeta = logBetaWhole(a, b);
  let low = 0;
  let high = 1;
  let x = a / (a + b);
  for (let i = 0; i < 2000; i++) {
    const error = regularizedIncompleteBeta(x, a, b) - p;
    if (error < 0) low = x;
    else high = x;
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta);
    let next = x - error / density;
    if (!(next > low && next < high)) next = low / 2 + high / 2;
    if (Math.abs(next - x) <= 1e-15 * x || next <= low || next >= high) return next;
    x = next;
  }
  return x;
}

/**
 * The one-sided Clopper–Pearson upper bound on a rate after `errors` events in `trials`: the true rate exceeds it
 * with probability at most 1 − confidence. With every trial an event the bound is 1.
 */
export function clopperPearsonUpper(errors: number, trials: number, confidence: number): number {
  if (!(Number.isInteger(errors) && Number.isInteger(trials) && trials >= 1 && errors >= 0 && errors <= trials)) {
    throw new MiaError(
      'metrics.invalid-count',
      `A Clopper–Pearson bound needs 0 ≤ errors ≤ trials with trials ≥ 1, all whole numbers; got ${errors} of ${trials}.`,
      { errors, trials },
    );
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new MiaError(
      'metrics.invalid-confidence',
      `The confidence of a bound must lie strictly between 0 and 1; got ${String(confidence)}.`,
      {
        confidence,
      },
    );
  }
  if (errors === trials) return 1;
  return betaQuantile(confidence, errors + 1, trials - errors);
}
