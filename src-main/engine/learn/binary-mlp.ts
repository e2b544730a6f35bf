// A small binary classifier (multi-layer perceptron, ReLU hidden layers, sigmoid output) trained in-process with
// Adam on binary cross-entropy. Used for Shokri's per-class attack models and WSA's attack model. Everything is
// float64 and every random draw comes from the seeded source, so training is bit-for-bit repeatable.
import { MiaError } from '../../common/errors';
import type { SeededRandom } from '../random/seeded-random';

export interface MlpOptions {
  /** Hidden layer widths; [] gives logistic regression. */
  readonly hidden: readonly number[];
  readonly learningRate: number;
  readonly batchSize: number;
  readonly maxEpochs: number;
  /** Fraction of the rows held out for early stopping (0 = no early stopping; train all epochs). */
  readonly validationFraction: number;
  /** Epochs without a better validation loss before training stops. */
  readonly patience: number;
  /** L2 penalty on the weights. */
  readonly weightDecay: number;
}

export interface TrainingSet {
  /** Row-major [rows, features]. */
  readonly features: Float64Array;
  readonly labels: Uint8Array;
  readonly featureCount: number;
}

export interface TrainedMlp {
  readonly featureCount: number;
  readonly epochsRun: number;
  readonly bestValidationLoss: number | null;
  /** Member probability for each row of `features` (row-major [rows, featureCount]). */
  predict(features: Float64Array): Float64Array;
}

interface Layer {
  inputs: number;
  outputs: number;
  weights: Float64Array; // [outputs, inputs]
  bias: Float64Array;
}

function initLayer(inputs: number, outputs: number, random: SeededRandom): Layer {
  // He-uniform for ReLU layers keeps activations at a stable scale.
  const bound = Math.sqrt(6 / inputs);
  const weights = new Float64Array(inputs * outputs);
  for (let i = 0; i < weights.length; i++) weights[i] = (random.next() * 2 - 1) * bound;
  return { inputs, outputs, weights, bias: new Float64Array(outputs) };
}

function forward(layers: Layer[], row: Float64Array, activations: Float64Array[]): number {
  activations[0] = row;
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l]!;
    const input = activations[l]!;
    const out = activations[l + 1]!;
    // Locals instead of property chains in the inner loop: V8 does not hoist them, and this loop is the hot spot.
    const weights = layer.weights;
    const bias = layer.bias;
    const inputs = layer.inputs;
    const last = l === layers.length - 1;
    for (let o = 0; o < layer.outputs; o++) {
      let sum = bias[o]!;
      const base = o * inputs;
      for (let i = 0; i < inputs; i++) sum += weights[base + i]! * input[i]!;
      out[o] = last ? sum : Math.max(0, sum);
    }
  }
  return activations[layers.length]![0]!;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function logLoss(logit: number, label: number): number {
  // log(1 + e^{−z}) for a member, log(1 + e^{z}) for a non-member, computed without overflow.
  const z = label ? logit : -logit;
  return z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
}

export function trainBinaryMlp(data: TrainingSet, options: MlpOptions, random: SeededRandom): TrainedMlp {
  const rows = data.labels.length;
  const width = data.featureCount;
  if (rows === 0 || data.features.length !== rows * width) {
    throw new MiaError(
      'learn.bad-training-set',
      `The attack model's training set has ${rows} rows and ${data.features.length} values; expected ${width} values per row.`,
    );
  }
  const sizes = [width, ...options.hidden, 1];
  const layers: Layer[] = [];
  const initRandom = random.fork('init');
  for (let l = 0; l + 1 < sizes.length; l++) layers.push(initLayer(sizes[l]!, sizes[l + 1]!, initRandom));

  const order = Array.from({ length: rows }, (_, i) => i);
  random.fork('split').shuffle(order);
  const validationCount = options.validationFraction > 0 ? Math.max(1, Math.floor(rows * options.validationFraction)) : 0;
  const useValidation = validationCount > 0 && rows - validationCount >= 2;
  const validation = useValidation ? order.slice(0, validationCount) : [];
  const training = useValidation ? order.slice(validationCount) : order;

  const row = (index: number): Float64Array => data.features.subarray(index * width, (index + 1) * width);
  const activations = sizes.map((n) => new Float64Array(n));
  const deltas = sizes.map((n) => new Float64Array(n));
  const gradW = layers.map((layer) => new Float64Array(layer.weights.length));
  const gradB = layers.map((layer) => new Float64Array(layer.bias.length));
  const m1W = layers.map((layer) => new Float64Array(layer.weights.length));
  const m2W = layers.map((layer) => new Float64Array(layer.weights.length));
  const m1B = layers.map((layer) => new Float64Array(layer.bias.length));
  const m2B = layers.map((layer) => new Float64Array(layer.bias.length));
  const beta1 = 0.9;
  const beta2 = 0.999;
  const epsilon = 1e-8;
  let step = 0;

  const validationLoss = (): number => {
    let sum = 0;
    for (const index of validation) sum += logLoss(forward(layers, row(index), activations), data.labels[index]!);
    return sum / validation.length;
  };

  let best = Infinity;
  let bestLayers = layers.map((layer) => ({ weights: layer.weights.slice(), bias: layer.bias.slice() }));
  let sinceBest = 0;
  let epochsRun = 0;
  const shuffleRandom = random.fork('shuffle');
  for (let epoch = 0; epoch < options.maxEpochs; epoch++) {
    epochsRun++;
    shuffleRandom.shuffle(training);
    for (let start = 0; start < training.length; start += options.batchSize) {
      const batch = training.slice(start, start + options.batchSize);
      for (const g of gradW) g.fill(0);
      for (const g of gradB) g.fill(0);
      for (const index of batch) {
        const logit = forward(layers, row(index), activations);
        // d(loss)/d(logit) for sigmoid + cross-entropy.
        deltas[layers.length]![0] = sigmoid(logit) - data.labels[index]!;
        for (let l = layers.length - 1; l >= 0; l--) {
          const layer = layers[l]!;
          const input = activations[l]!;
          const delta = deltas[l + 1]!;
          const below = deltas[l]!;
          const weights = layer.weights;
          const layerGradW = gradW[l]!;
          const layerGradB = gradB[l]!;
          const inputs = layer.inputs;
          below.fill(0);
          for (let o = 0; o < layer.outputs; o++) {
            const d = delta[o]!;
            if (d === 0) continue;
            const base = o * inputs;
            layerGradB[o] += d;
            if (l === 0) {
              // The gradient with respect to the features themselves is never used; skipping it saves a sixth of the work.
              for (let i = 0; i < inputs; i++) layerGradW[base + i] += d * input[i]!;
              continue;
            }
            for (let i = 0; i < inputs; i++) {
              layerGradW[base + i] += d * input[i]!;
              below[i] += d * weights[base + i]!;
            }
          }
          if (l > 0) for (let i = 0; i < inputs; i++) if (input[i]! <= 0) below[i] = 0;
        }
      }
      step++;
      const scale = 1 / batch.length;
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      layers.forEach((layer, l) => {
        const update = (params: Float64Array, grads: Float64Array, m1: Float64Array, m2: Float64Array, decay: number): void => {
          for (let i = 0; i < params.length; i++) {
            const g = grads[i]! * scale + decay * params[i]!;
            m1[i] = beta1 * m1[i]! + (1 - beta1) * g;
            m2[i] = beta2 * m2[i]! + (1 - beta2) * g * g;
            params[i] -= (options.learningRate * (m1[i]! / correction1)) / (Math.sqrt(m2[i]! / correction2) + epsilon);
          }
        };
        update(layer.weights, gradW[l]!, m1W[l]!, m2W[l]!, options.weightDecay);
        update(layer.bias, gradB[l]!, m1B[l]!, m2B[l]!, 0);
      });
    }
    if (!useValidation) continue;
    const loss = validationLoss();
    if (loss < best - 1e-12) {
      best = loss;
      sinceBest = 0;
      bestLayers = layers.map((layer) => ({ weights: layer.weights.slice(), bias: layer.bias.slice() }));
    } else if (++sinceBest >= options.patience) {
      break;
    }
  }
  if (useValidation)
    layers.forEach((layer, l) => {
      layer.weights.set(bestLayers[l]!.weights);
      layer.bias.set(bestLayers[l]!.bias);
    });

  return {
    featureCount: width,
    epochsRun,
    bestValidationLoss: useValidation ? best : null,
    predict(features) {
      const count = features.length / width;
      const out = new Float64Array(count);
      const acts = sizes.map((n) => new Float64Array(n));
      for (let r = 0; r < count; r++) out[r] = sigmoid(forward(layers, features.subarray(r * width, (r + 1) * width), acts));
      return out;
    },
  };
}
