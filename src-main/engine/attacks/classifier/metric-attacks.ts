// The four threshold attacks on the target's own outputs (loss, confidence, entropy, modified entropy). They need
// no reference models: one forward pass per record, then a statistic of the probability vector.
import { z } from 'zod';
import type { AttackModule } from '../attack-module';
import { labelsOf, type ClassifierModels, type ClassifierTarget } from './classifier-target';
import { metricScores, type MetricStatistic } from './metric-scores';

const NoParams = z.strictObject({});

function metricAttack(
  id: MetricStatistic,
  title: string,
  description: string,
): AttackModule<typeof NoParams, ClassifierTarget, ClassifierModels> {
  return {
    id,
    family: 'classifier',
    title,
    description,
    params: NoParams,
    needs: {},
    estimateModelCalls: (_params, counts) => ({ model: counts.audited }),
    async run(ctx) {
      const labels = labelsOf(ctx.records, id);
      const outputs = await ctx.target.outputs(ctx.records, { phase: 'scoring' });
      return {
        recordIds: Int32Array.from(ctx.records, (r) => r.id),
        scores: metricScores(id, outputs, labels),
        modelCalls: ctx.target.modelCalls,
        notes: [],
      };
    },
  };
}

export const lossAttack = metricAttack(
  'loss',
  'Loss threshold (Yeom et al. 2018)',
  "Black-box access to the target's probabilities. The score is log p_y, the negated cross-entropy loss on the true label: models fit their training images more tightly, so members tend to have lower loss.",
);

export const confidenceAttack = metricAttack(
  'confidence',
  'Confidence threshold',
  "Black-box access to the target's probabilities. The score is p_y, the probability the model gives the true label: members tend to be predicted more confidently.",
);

export const entropyAttack = metricAttack(
  'entropy',
  'Prediction entropy (Song & Mittal 2021)',
  "Black-box access to the target's probabilities; labels are not used. The score is the negated entropy of the probability vector: members tend to get sharper predictions.",
);

export const modifiedEntropyAttack = metricAttack(
  'modified-entropy',
  'Modified prediction entropy (Song & Mittal 2021)',
  "Black-box access to the target's probabilities and the true label. The score is the negated modified entropy, which, unlike plain entropy, penalises a confident wrong prediction.",
);
