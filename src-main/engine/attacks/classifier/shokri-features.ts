// The attack-model features of Shokri et al.: a model's probability vector, sorted descending by default so the
// attack models learn the shape of the confidence rather than which class it sits on.
import type { ClassifierOutputs } from './classifier-outputs';

export type FeatureOrder = 'sorted' | 'class-order';

export function probabilityFeatures(outputs: ClassifierOutputs, order: FeatureOrder): Float64Array {
  const { classes, probabilities } = outputs;
  const rows = probabilities.length / classes;
  const features = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const row = Array.from(probabilities.subarray(r * classes, (r + 1) * classes));
    if (order === 'sorted') row.sort((a, b) => b - a);
    features.set(row, r * classes);
  }
  return features;
}
