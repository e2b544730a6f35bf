// LiRA (Carlini et al. 2022): compares the target's confidence on a record with the confidences of reference models
// that did (IN) and did not (OUT) train on it. Needs reference models imported with their training manifests.
import { z } from 'zod';
import type { AttackModule } from '../attack-module';
import { labelsOf, membershipMask, type ClassifierModels, type ClassifierTarget } from './classifier-target';
import type { ClassifierOutputs } from './classifier-outputs';
import { liraScores, liraStatistic } from './lira-math';
import type { RunRecord } from '../run-record';

const LiraParams = z.strictObject({
  variant: z
    .enum(['online', 'offline'])
    .default('online')
    .describe('online uses IN and OUT reference models; offline only OUT models (a one-sided test).'),
  fixedVariance: z
    .boolean()
    .default(true)
    .describe(
      'Use one standard deviation pooled over the audited records (within-record deviations) instead of a per-record one; better with few reference models.',
    ),
  flipAugmentation: z.boolean().default(false).describe('Average the statistic over the image and its horizontal mirror.'),
});

async function statistic(
  model: ClassifierTarget,
  records: readonly RunRecord[],
  labels: Int32Array,
  flip: boolean,
  phase: string,
): Promise<Float64Array> {
  const plain = liraStatistic(await model.outputs(records, { phase }), labels);
  if (!flip) return plain;
  const mirrored: ClassifierOutputs = await model.outputs(records, { flip: true, phase });
  const flipped = liraStatistic(mirrored, labels);
  return plain.map((value, i) => (value + flipped[i]!) / 2);
}

export const liraAttack: AttackModule<typeof LiraParams, ClassifierTarget, ClassifierModels> = {
  id: 'lira',
  family: 'classifier',
  title: 'Likelihood-ratio attack, LiRA (Carlini et al. 2022)',
  description:
    "Black-box access to the target's outputs plus reference models trained on known random halves of a population that contains the audited records. For each record, the target's logit-scaled confidence is compared with Gaussians fitted to the reference models that trained on it (IN) and that did not (OUT); the score is the log likelihood ratio (online) or the one-sided OUT test (offline).",
  params: LiraParams,
  needs: { referenceModels: 'required' },
  estimateModelCalls: (params, counts) => ({ model: counts.audited * (counts.references + 1) * (params.flipAugmentation ? 2 : 1) }),
  async run(ctx) {
    const { records, params } = ctx;
    const labels = labelsOf(records, 'lira');
    const references = ctx.models.references;
    const target = await statistic(ctx.target, records, labels, params.flipAugmentation, 'target');
    const referenceStats: Float64Array[] = [];
    for (const reference of references) {
      ctx.signal.throwIfAborted();
      referenceStats.push(await statistic(reference.model, records, labels, params.flipAugmentation, 'reference models'));
    }
    const outcome = liraScores(
      { target, references: referenceStats, inModel: references.map((reference) => membershipMask(records, reference.trainedOn)) },
      // The pooled variance is estimated on the audited records (calibration records are scored with it, not fitted on).
      {
        variant: params.variant,
        fixedVariance: params.fixedVariance,
        pooledRecords: Uint8Array.from(records, (r) => (r.role === 'audit' ? 1 : 0)),
      },
    );
    const notes: string[] = [
      `LiRA ${params.variant}, ${params.fixedVariance ? 'fixed (pooled) variance' : 'per-record variance'}, ${references.length} reference models.`,
    ];
    if (outcome.offlineFallbacks > 0)
      notes.push(`${outcome.offlineFallbacks} records had no IN reference model and were scored with the offline test.`);
    if (outcome.unscorable > 0) notes.push(`${outcome.unscorable} records had no OUT reference model and were ranked lowest.`);
    const modelCalls = ctx.target.modelCalls + references.reduce((sum, reference) => sum + reference.model.modelCalls, 0);
    return { recordIds: Int32Array.from(records, (r) => r.id), scores: outcome.scores, modelCalls, notes };
  },
};
