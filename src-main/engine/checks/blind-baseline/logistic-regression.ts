// L2-regularised logistic regression trained in-process, deterministically: features standardised on the
// training rows, then the mean log-loss + (λ/2)‖w‖² minimised by L-BFGS with a backtracking line search.
// Used by the blind baseline, where the feature count (~150–200) makes a full Newton step needlessly costly.
import type { FeatureMatrix } from './feature-matrix';

export interface LogisticRegressionOptions {
  /** λ of the (λ/2)‖w‖² penalty on the standardised weights (the bias is not penalised). */
  readonly l2?: number;
  readonly maxIterations?: number;
  /** Stop when the largest gradient component falls below this. */
  readonly gradientTolerance?: number;
}

export const DEFAULT_L2 = 0.01;

export interface LogisticModel {
  readonly weights: Float64Array;
  readonly bias: number;
  /** Standardisation fitted on the training rows: x' = (x − mean) / scale. */
  readonly mean: Float64Array;
  readonly scale: Float64Array;
  readonly iterations: number;
}

const HISTORY = 10;

/** Fits on the rows listed in `rows` (positions into `matrix` and `labels`). */
export function fitLogisticRegression(
  matrix: FeatureMatrix,
  labels: Uint8Array,
  rows: Int32Array,
  options: LogisticRegressionOptions = {},
): LogisticModel {
  const l2 = options.l2 ?? DEFAULT_L2;
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.gradientTolerance ?? 1e-6;
  const d = matrix.featureCount;
  const n = rows.length;
  const { mean, scale } = standardisation(matrix, rows);
  const x = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const source = rows[r]! * d;
    for (let j = 0; j < d; j++) x[r * d + j] = (matrix.data[source + j]! - mean[j]!) / scale[j]!;
    y[r] = labels[rows[r]!]!;
  }
  const objective = (theta: Float64Array, gradient: Float64Array): number => logisticObjective(x, y, n, d, l2, theta, gradient);
  const { solution, iterations } = minimiseLbfgs(objective, d + 1, maxIterations, tolerance);
  return { weights: solution.slice(0, d), bias: solution[d]!, mean, scale, iterations };
}

/** The model's logit for one row of a matrix with the same features. */
export function predictLogit(model: LogisticModel, matrix: FeatureMatrix, row: number): number {
  const d = matrix.featureCount;
  let z = model.bias;
  for (let j = 0; j < d; j++) z += (model.weights[j]! * (matrix.data[row * d + j]! - model.mean[j]!)) / model.scale[j]!;
  return z;
}

function standardisation(matrix: FeatureMatrix, rows: Int32Array): { mean: Float64Array; scale: Float64Array } {
  const d = matrix.featureCount;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (const row of rows) for (let j = 0; j < d; j++) mean[j] += matrix.data[row * d + j]!;
  for (let j = 0; j < d; j++) mean[j] /= Math.max(rows.length, 1);
  for (const row of rows) {
    for (let j = 0; j < d; j++) {
      const centred = matrix.data[row * d + j]! - mean[j]!;
      scale[j] += centred * centred;
    }
  }
  for (let j = 0; j < d; j++) {
    const deviation = Math.sqrt(scale[j]! / Math.max(rows.length, 1));
    scale[j] = deviation > 1e-12 ? deviation : 1; // a constant feature becomes 0 after centring
  }
  return { mean, scale };
}

/** Mean log-loss + (λ/2)‖w‖² at theta = [w, b]; writes the gradient. */
function logisticObjective(
  x: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  l2: number,
  theta: Float64Array,
  gradient: Float64Array,
): number {
  gradient.fill(0);
  let loss = 0;
  for (let r = 0; r < n; r++) {
    let z = theta[d]!;
    const offset = r * d;
    for (let j = 0; j < d; j++) z += theta[j]! * x[offset + j]!;
    // log(1 + e^z) − y·z, written so neither branch overflows.
    loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[r]! * z;
    const residual = 1 / (1 + Math.exp(-z)) - y[r]!;
    for (let j = 0; j < d; j++) gradient[j] += residual * x[offset + j]!;
    gradient[d] += residual;
  }
  let penalty = 0;
  for (let j = 0; j <= d; j++) gradient[j] /= n;
  for (let j = 0; j < d; j++) {
    penalty += theta[j]! * theta[j]!;
    gradient[j] += l2 * theta[j]!;
  }
  return loss / n + 0.5 * l2 * penalty;
}

type Objective = (theta: Float64Array, gradient: Float64Array) => number;

/** Limited-memory BFGS from the origin; convex objectives only (the curvature pair is skipped otherwise). */
function minimiseLbfgs(
  objective: Objective,
  size: number,
  maxIterations: number,
  tolerance: number,
): { solution: Float64Array; iterations: number } {
  let theta = new Float64Array(size);
  let gradient = new Float64Array(size);
  let value = objective(theta, gradient);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const direction = new Float64Array(size);
  const alphas = new Float64Array(HISTORY);
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    if (maxAbs(gradient) < tolerance) break;
    // Two-loop recursion: direction = −H·gradient.
    direction.set(gradient);
    for (let k = steps.length - 1; k >= 0; k--) {
      const alpha = dot(steps[k]!, direction) / dot(changes[k]!, steps[k]!);
      alphas[k] = alpha;
      axpy(-alpha, changes[k]!, direction);
    }
    const gamma =
      steps.length > 0
        ? dot(steps.at(-1)!, changes.at(-1)!) / dot(changes.at(-1)!, changes.at(-1)!)
        : 1 / Math.max(1, Math.sqrt(dot(gradient, gradient)));
    for (let j = 0; j < size; j++) direction[j] *= gamma;
    for (let k = 0; k < steps.length; k++) {
      const beta = dot(changes[k]!, direction) / dot(changes[k]!, steps[k]!);
      axpy(alphas[k]! - beta, steps[k]!, direction);
    }
    for (let j = 0; j < size; j++) direction[j] = -direction[j]!;
    let slope = dot(gradient, direction);
    if (slope >= 0) {
      // Not a descent direction (rounding): restart from steepest descent.
      steps.length = 0;
      changes.length = 0;
      for (let j = 0; j < size; j++) direction[j] = -gradient[j]!;
      slope = -dot(gradient, gradient);
    }
    // Backtracking (Armijo) line search.
    let step = 1;
    const candidate = new Float64Array(size);
    const candidateGradient = new Float64Array(size);
    let candidateValue = Number.POSITIVE_INFINITY;
    for (let halvings = 0; halvings < 50; halvings++) {
      for (let j = 0; j < size; j++) candidate[j] = theta[j]! + step * direction[j]!;
      candidateValue = objective(candidate, candidateGradient);
      if (candidateValue <= value + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(candidateValue < value)) break; // no further progress is representable
    const stepTaken = new Float64Array(size);
    const gradientChange = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      stepTaken[j] = candidate[j]! - theta[j]!;
      gradientChange[j] = candidateGradient[j]! - gradient[j]!;
    }
    if (dot(stepTaken, gradientChange) > 1e-12) {
      steps.push(stepTaken);
      changes.push(gradientChange);
      if (steps.length > HISTORY) {
        steps.shift();
        changes.shift();
      }
    }
    const improvement = value - candidateValue;
    theta = candidate;
    gradient = candidateGradient;
    value = candidateValue;
    if (improvement < 1e-12 * Math.max(1, Math.abs(value))) {
      iteration++;
      break;
    }
  }
  return { solution: theta, iterations: iteration };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function axpy(factor: number, x: Float64Array, target: Float64Array): void {
  for (let i = 0; i < x.length; i++) target[i] += factor * x[i]!;
}

function maxAbs(values: Float64Array): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest;
}
