// The shadow-model attack of Shokri et al. (2017): shadow models trained on known halves of an auxiliary pool
// teach one small attack model per class to tell "in" outputs from "out" outputs; the attack models then judge
// the target's outputs on the audited records.
import { z } from 'zod';
import { MiaError } from '../../../common/errors';
import { trainBinaryMlp, type TrainedMlp } from '../../learn/binary-mlp';
import type { AttackModule } from '../attack-module';
import type { RunRecord } from '../run-record';
import { labelsOf, type ClassifierModels, type ClassifierTarget } from './classifier-target';
import { probabilityFeatures } from './shokri-features';

const ShokriParams = z.strictObject({
  shadowCount: z.number().int().min(1).default(8).describe('How many of the shadow models to use (k).'),
  features: z
    .enum(['sorted', 'class-order'])
    .default('sorted')
    .describe('Feature vector: the probability vector sorted descending, or in class order.'),
  attackModel: z
    .enum(['mlp', 'logistic'])
    .default('mlp')
    .describe('Per-class attack model: a small MLP (64 hidden units) or logistic regression.'),
  hiddenUnits: z.number().int().min(1).max(1024).default(64).describe('Hidden units of the MLP attack model.'),
  minExamplesPerClass: z
    .number()
    .int()
    .min(2)
    .default(40)
    .describe('A class with fewer in or out examples than this falls back to one attack model for all classes.'),
  maxEpochs: z
    .number()
    .int()
    .min(1)
    .max(500)
    .default(40)
    .describe('Training epochs of each attack model (early stopping on a 10 % validation split).'),
});

interface Example {
  features: Float64Array;
  labels: number[];
  classes: number[];
}

export const shokriAttack: AttackModule<typeof ShokriParams, ClassifierTarget, ClassifierModels> = {
  id: 'shokri',
  family: 'classifier',
  title: 'Shadow-model attack (Shokri et al. 2017)',
  description:
    'Black-box access to the target\'s probabilities and auxiliary data from the same distribution. Shadow models trained on known halves of the auxiliary pool produce labelled "in" and "out" outputs; one attack model per class learns to separate them and scores the target\'s outputs. Precision and recall are reported at the attack models\' 0.5 decision threshold, as in the paper.',
  params: ShokriParams,
  needs: { shadowModels: 'required', roles: ['aux'] },
  estimateModelCalls: (params, counts) => ({
    model: counts.audited + Math.min(params.shadowCount, counts.shadows) * 2 * Math.max(1, counts.audited),
  }),
  async run(ctx) {
    const { params, records } = ctx;
    const shadows = ctx.models.shadows.slice(0, params.shadowCount);
    if (shadows.length === 0)
      throw new MiaError('run.missing-shadow-models', 'The Shokri attack needs shadow models with training manifests.');
    const aux = ctx.dataset.filter((record) => record.role === 'aux');
    const reportedKeys = new Set(records.map((r) => r.key));
    const classes = ctx.target.classes;
    const examples: Example = { features: new Float64Array(0), labels: [], classes: [] };
    const featureChunks: Float64Array[] = [];
    for (const [index, shadow] of shadows.entries()) {
      ctx.signal.throwIfAborted();
      const inside = aux.filter((record) => shadow.trainedOn.has(record.key));
      const outsidePool = aux.filter((record) => !shadow.trainedOn.has(record.key));
      const leaked = [...shadow.trainedOn].filter((key) => reportedKeys.has(key));
      if (leaked.length > 0) {
        throw new MiaError(
          'shokri.shadow-overlaps-audit',
          `Shadow model "${shadow.model.name}" was trained on ${leaked.length} audited records (e.g. "${leaked[0]}"); shadow data must be disjoint from the audited records.`,
        );
      }
      if (inside.length === 0) {
        throw new MiaError(
          'shokri.shadow-without-aux',
          `Shadow model "${shadow.model.name}" trained on no record of the auxiliary pool (role "aux"); check its manifest against the dataset.`,
        );
      }
      // "Out" examples: as many auxiliary records the shadow did not see as it did see, drawn with the run's seed.
      const outCount = Math.min(inside.length, outsidePool.length);
      const outPicks = Array.from(ctx.random.fork(`shadow-${index}-out`).sampleWithoutReplacement(outsidePool.length, outCount)).sort(
        (a, b) => a - b,
      );
      const outside = outPicks.map((i) => outsidePool[i]!);
      const batch: RunRecord[] = [...inside, ...outside];
      const outputs = await shadow.model.outputs(batch, { phase: 'shadow models' });
      featureChunks.push(probabilityFeatures(outputs, params.features));
      const labels = labelsOf(batch, 'shokri');
      batch.forEach((_, i) => {
        examples.labels.push(i < inside.length ? 1 : 0);
        examples.classes.push(labels[i]!);
      });
    }
    const features = new Float64Array(featureChunks.reduce((n, chunk) => n + chunk.length, 0));
    let offset = 0;
    for (const chunk of featureChunks) {
      features.set(chunk, offset);
      offset += chunk.length;
    }
    examples.features = features;

    const notes: string[] = [
      `Shokri: ${shadows.length} shadow models, ${examples.labels.length} attack-training examples, ${params.features} features, ${params.attackModel === 'mlp' ? `MLP (${params.hiddenUnits} hidden units)` : 'logistic regression'} attack models.`,
    ];
    const train = (rows: number[], label: string): TrainedMlp =>
      trainBinaryMlp(
        {
          features: gatherRows(examples.features, rows, classes),
          labels: Uint8Array.from(rows, (r) => examples.labels[r]!),
          featureCount: classes,
        },
        {
          hidden: params.attackModel === 'mlp' ? [params.hiddenUnits] : [],
          learningRate: 1e-3,
          batchSize: 32,
          maxEpochs: params.maxEpochs,
          validationFraction: 0.1,
          patience: 3,
          weightDecay: 0,
        },
        ctx.random.fork(`attack-model-${label}`),
      );

    const allRows = examples.labels.map((_, i) => i);
    let shared: TrainedMlp | null = null;
    const perClass = new Map<number, TrainedMlp>();
    const fallbackClasses: number[] = [];
    for (let c = 0; c < classes; c++) {
      ctx.signal.throwIfAborted();
      const rows = allRows.filter((r) => examples.classes[r] === c);
      const members = rows.filter((r) => examples.labels[r] === 1).length;
      if (members < params.minExamplesPerClass || rows.length - members < params.minExamplesPerClass) {
        fallbackClasses.push(c);
        continue;
      }
      perClass.set(c, train(rows, `class-${c}`));
      ctx.progress('attack models', c + 1, classes, 'classes');
    }
    if (fallbackClasses.length > 0) {
      shared = train(allRows, 'all-classes');
      notes.push(
        `Classes ${fallbackClasses.join(', ')} had fewer than ${params.minExamplesPerClass} in or out examples; they use one attack model trained on all classes.`,
      );
    }

    const labels = labelsOf(records, 'shokri');
    const targetFeatures = probabilityFeatures(await ctx.target.outputs(records, { phase: 'target' }), params.features);
    const scores = new Float64Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const model = perClass.get(labels[i]!) ?? shared;
      if (!model) throw new MiaError('shokri.no-attack-model', `No attack model covers class ${labels[i]} of record "${records[i]!.key}".`);
      scores[i] = model.predict(targetFeatures.subarray(i * classes, (i + 1) * classes))[0]!;
    }
    const modelCalls = ctx.target.modelCalls + shadows.reduce((sum, shadow) => sum + shadow.model.modelCalls, 0);
    return {
      recordIds: Int32Array.from(records, (r) => r.id),
      scores,
      modelCalls,
      notes,
      decisionThreshold: { threshold: 0.5, reason: "the attack models' 0.5 decision threshold (Shokri et al.)" },
    };
  },
};

function gatherRows(features: Float64Array, rows: readonly number[], width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((row, i) => out.set(features.subarray(row * width, (row + 1) * width), i * width));
  return out;
}
