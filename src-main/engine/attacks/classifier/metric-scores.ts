// The four model-output metric attacks (loss, confidence, entropy, modified entropy) as pure functions of the
// target's probabilities and the true labels. Each returns scores oriented "higher = member".
import { clampProbability, type ClassifierOutputs } from './classifier-outputs';

export type MetricStatistic = 'loss' | 'confidence' | 'entropy' | 'modified-entropy';

export function metricScores(statistic: MetricStatistic, outputs: ClassifierOutputs, labels: ArrayLike<number>): Float64Array {
  const { classes, probabilities } = outputs;
  const scores = new Float64Array(labels.length);
  for (let row = 0; row < labels.length; row++) {
    const offset = row * classes;
    const y = labels[row]!;
    const py = probabilities[offset + y]!;
    switch (statistic) {
      case 'loss':
        // log p_y = −cross-entropy (Yeom et al. 2018).
        scores[row] = Math.log(clampProbability(py));
        break;
      case 'confidence':
        scores[row] = py;
        break;
      case 'entropy': {
        // Σ p log p = −entropy (Song & Mittal 2021): members are predicted with lower entropy.
        let sum = 0;
        for (let k = 0; k < classes; k++) {
          const p = clampProbability(probabilities[offset + k]!);
          sum += p * Math.log(p);
        }
        scores[row] = sum;
        break;
      }
      case 'modified-entropy': {
        // −[ −(1−p_y) log p_y − Σ_{k≠y} p_k log(1−p_k) ] (Song & Mittal 2021).
        const pyClamped = clampProbability(py);
        let mentr = -(1 - pyClamped) * Math.log(pyClamped);
        for (let k = 0; k < classes; k++) {
          if (k === y) continue;
          const p = clampProbability(probabilities[offset + k]!);
          mentr -= p * Math.log(1 - p);
        }
        scores[row] = -mentr;
        break;
      }
    }
  }
  return scores;
}
