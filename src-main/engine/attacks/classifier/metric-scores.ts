// The four model-output metric attacks (loss, confidence, entropy, modified entropy) as pure functions of the
// target's outputs and the true labels, in float64 from the logits when the model has them (see probability-row.ts).
// Each returns scores oriented "higher = member".
import type { ClassifierOutputs } from './classifier-outputs';
import { createProbabilityRow, readProbabilityRow, type ProbabilityRow } from './probability-row';

export type MetricStatistic = 'loss' | 'confidence' | 'entropy' | 'modified-entropy';

export function metricScores(statistic: MetricStatistic, outputs: ClassifierOutputs, labels: ArrayLike<number>): Float64Array {
  const scores = new Float64Array(labels.length);
  const row = createProbabilityRow(outputs.classes);
  for (let record = 0; record < labels.length; record++) {
    scores[record] = metricScore(statistic, readProbabilityRow(outputs, record, row), labels[record]!);
  }
  return scores;
}

function metricScore(statistic: MetricStatistic, row: ProbabilityRow, y: number): number {
  switch (statistic) {
    case 'loss':
      // log p_y = −cross-entropy (Yeom et al. 2018).
      return row.logProbability[y]!;
    case 'confidence':
      return row.probability[y]!;
    case 'entropy': {
      // Σ p log p = −entropy (Song & Mittal 2021): members are predicted with lower entropy. log p comes from the
      // log-softmax, not from a p rounded near 1, so a confident prediction keeps its (tiny) entropy.
      let sum = 0;
      for (let k = 0; k < row.classes; k++) sum += row.probability[k]! * row.logProbability[k]!;
      return sum;
    }
    case 'modified-entropy': {
      // −[ −(1−p_y) log p_y − Σ_{k≠y} p_k log(1−p_k) ] (Song & Mittal 2021).
      let modifiedEntropy = -row.complement[y]! * row.logProbability[y]!;
      for (let k = 0; k < row.classes; k++) {
        if (k !== y) modifiedEntropy -= row.probability[k]! * row.logComplement[k]!;
      }
      return -modifiedEntropy;
    }
  }
}
