// Converts what a denoiser predicts (ε, v or x₀, diffusers' prediction_type) into ε and x̂₀ at one ᾱ: the one place
// the attacks' DDIM helpers and the denoiser adapter turn a model output into the quantities they work with.
import type { PredictionType } from './scheduler';

type Values = ArrayLike<number>;
type Target = Float32Array | Float64Array;

/**
 * ε for the values [start, end) of a flat batch, written into `into` at the same positions. With x_t = √ᾱ·x₀ +
 * √(1−ᾱ)·ε: ε-prediction is ε itself; v = √ᾱ·ε − √(1−ᾱ)·x₀ gives ε = √ᾱ·v + √(1−ᾱ)·x_t; x₀-prediction ("sample")
 * gives ε = (x_t − √ᾱ·x₀) / √(1−ᾱ).
 */
export function epsilonFromModelOutput(
  predictionType: PredictionType,
  output: Values,
  xt: Values,
  alphaBar: number,
  into: Target,
  start = 0,
  end = output.length,
): void {
  const signalScale = Math.sqrt(alphaBar);
  const noiseScale = Math.sqrt(1 - alphaBar);
  for (let i = start; i < end; i += 1) {
    const out = output[i] as number;
    const x = xt[i] as number;
    if (predictionType === 'epsilon') into[i] = out;
    else if (predictionType === 'v_prediction') into[i] = signalScale * out + noiseScale * x;
    else into[i] = (x - signalScale * out) / noiseScale;
  }
}

/**
 * x̂₀ for the values [start, end) of a flat batch: (x_t − √(1−ᾱ)·ε) / √ᾱ from ε; √ᾱ·x_t − √(1−ᾱ)·v from v; the
 * output itself for x₀-prediction.
 */
export function x0FromModelOutput(
  predictionType: PredictionType,
  output: Values,
  xt: Values,
  alphaBar: number,
  into: Target,
  start = 0,
  end = output.length,
): void {
  const signalScale = Math.sqrt(alphaBar);
  const noiseScale = Math.sqrt(1 - alphaBar);
  for (let i = start; i < end; i += 1) {
    const out = output[i] as number;
    const x = xt[i] as number;
    if (predictionType === 'epsilon') into[i] = (x - noiseScale * out) / signalScale;
    else if (predictionType === 'v_prediction') into[i] = signalScale * x - noiseScale * out;
    else into[i] = out;
  }
}
