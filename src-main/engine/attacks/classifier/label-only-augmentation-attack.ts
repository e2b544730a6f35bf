// Label-only augmentation attack (Choquette-Choo et al. 2021): how many of N seeded flips, shifts and noisy copies of a
// record the target still labels correctly. Needs only the predicted label, so it runs on label-only targets.
import { z } from 'zod';
import { MiaError } from '../../../common/errors';
import { thresholdMaximisingBalancedAccuracy } from '../../metrics/operating-point';
import type { SeededRandom } from '../../random/seeded-random';
import type { AttackModule } from '../attack-module';
import type { RunRecord } from '../run-record';
import { augmentImage, AugmentationKind, correctFraction, drawAugmentations, type Augmentation } from './augmentation-math';
import { labelsOf, membershipMask, type ClassifierModels, type ClassifierTarget } from './classifier-target';

const AugmentationParams = z.strictObject({
  augmentations: z.number().int().min(1).max(200).default(12).describe('Augmented copies of each record (N); one label query each.'),
  kinds: z
    .array(AugmentationKind)
    .min(1)
    .default(['flip', 'shift', 'noise'])
    .describe('Which augmentations are combined: horizontal flips (every second copy), pixel shifts, Gaussian noise.'),
  maxShift: z.number().int().min(0).max(16).default(2).describe('Largest shift in pixels along each axis (the border is repeated).'),
  noiseStd: z
    .number()
    .min(0)
    .max(10)
    .default(0.3)
    .describe("Standard deviation of the Gaussian noise, in the model's input units (after normalisation)."),
  shadowThreshold: z
    .boolean()
    .default(false)
    .describe('Choose the decision threshold on shadow models (their own members and non-members), as in the paper.'),
  shadowRecords: z
    .number()
    .int()
    .min(1)
    .max(5000)
    .default(50)
    .describe('With a shadow threshold: members and as many non-members of each shadow model scored to choose it.'),
});
type AugmentationParams = z.output<typeof AugmentationParams>;

// Records are augmented a chunk at a time, so memory stays at chunk × N images whatever the dataset's size.
const chunkRecords = 64;

/** Per record, the fraction of its augmented copies that `model` labels as the record's label. */
async function augmentationScores(
  model: ClassifierTarget,
  records: readonly RunRecord[],
  augmentations: readonly Augmentation[],
  random: SeededRandom,
  phase: string,
): Promise<Float64Array> {
  const labels = labelsOf(records, 'label-only-augmentation');
  const size = model.input.channels * model.input.height * model.input.width;
  const perRecord = augmentations.length;
  const scores = new Float64Array(records.length);
  for (let start = 0; start < records.length; start += chunkRecords) {
    const chunk = records.slice(start, start + chunkRecords);
    const images = await model.inputs(chunk);
    const batch = new Float32Array(chunk.length * perRecord * size);
    chunk.forEach((record, r) => {
      // Each record's noise comes from its own stream, so a score does not depend on which records share its chunk.
      const noise = random.fork(`noise:${record.key}`);
      const image = images.subarray(r * size, (r + 1) * size);
      augmentations.forEach((augmentation, a) => augmentImage(image, model.input, augmentation, noise, batch, (r * perRecord + a) * size));
    });
    const predicted = await model.predictedLabels(batch, chunk.length * perRecord, phase);
    scores.set(correctFraction(predicted, labels.subarray(start, start + chunk.length), perRecord), start);
  }
  return scores;
}

/** The shadow models' members (from their manifests) and as many of their non-members, among the `aux` records. */
function shadowSample(
  params: AugmentationParams,
  dataset: readonly RunRecord[],
  trainedOn: ReadonlySet<string>,
  random: SeededRandom,
): RunRecord[] {
  const aux = dataset.filter((record) => record.role === 'aux');
  const inside = aux.filter((record) => trainedOn.has(record.key));
  const outside = aux.filter((record) => !trainedOn.has(record.key));
  const count = Math.min(params.shadowRecords, inside.length, outside.length);
  const pick = (pool: RunRecord[]) => Array.from(random.sampleWithoutReplacement(pool.length, count)).map((i) => pool[i]!);
  return [...pick(inside), ...pick(outside)];
}

export const labelOnlyAugmentationAttack: AttackModule<typeof AugmentationParams, ClassifierTarget, ClassifierModels> = {
  id: 'label-only-augmentation',
  family: 'classifier',
  title: 'Label-only augmentation attack (Choquette-Choo et al. 2021)',
  description:
    "Label-only access: only the target's predicted label is read, so it also runs on label-only targets. Each record is flipped, shifted and given Gaussian noise N times (the same seeded flips and shifts for every record, in the model's input space); the score is the fraction of those copies the target still labels correctly. Models are more robust around their training images, so members keep their label more often. Records without a label cannot be scored.",
  params: AugmentationParams,
  needs: { classifierAccess: ['outputs', 'labels'], shadowModels: 'optional' },
  estimateModelCalls: (params, counts) => ({
    model:
      counts.audited * params.augmentations +
      (params.shadowThreshold ? counts.shadows * 2 * params.shadowRecords * params.augmentations : 0),
  }),
  async run(ctx) {
    const { params, records } = ctx;
    const augmentations = drawAugmentations(ctx.random.fork('augmentations'), {
      count: params.augmentations,
      kinds: params.kinds,
      maxShift: params.maxShift,
      noiseStd: params.noiseStd,
    });
    const scores = await augmentationScores(ctx.target, records, augmentations, ctx.random.fork('noise'), 'scoring');
    const shifts = augmentations.filter((a) => a.shiftX !== 0 || a.shiftY !== 0).length;
    const notes = [
      `${params.augmentations} augmented copies per record (${augmentations.filter((a) => a.flip).length} flipped, ${shifts} shifted, noise σ ${params.kinds.includes('noise') ? params.noiseStd : 0}); one label query each.`,
    ];
    if (!params.shadowThreshold)
      return { recordIds: Int32Array.from(records, (r) => r.id), scores, modelCalls: ctx.target.modelCalls, notes };

    const shadows = ctx.models.shadows;
    if (shadows.length === 0) {
      throw new MiaError(
        'run.missing-shadow-models',
        'label-only-augmentation: shadowThreshold needs shadow models with training manifests; import a shadow set or turn shadowThreshold off.',
      );
    }
    const shadowScores: number[] = [];
    const shadowMembers: number[] = [];
    for (const [index, shadow] of shadows.entries()) {
      ctx.signal.throwIfAborted();
      const sample = shadowSample(params, ctx.dataset, shadow.trainedOn, ctx.random.fork(`shadow-${index}`));
      if (sample.length < 2 * params.shadowRecords) {
        throw new MiaError(
          'run.missing-role',
          `label-only-augmentation: shadow model "${shadow.model.name}" has fewer than ${params.shadowRecords} members and as many non-members among the "aux" records; lower shadowRecords.`,
        );
      }
      // The same augmentations as the target's, so the threshold is on the same scale.
      shadowScores.push(
        ...(await augmentationScores(shadow.model, sample, augmentations, ctx.random.fork(`shadow-noise-${index}`), 'shadow models')),
      );
      shadowMembers.push(...membershipMask(sample, shadow.trainedOn));
    }
    const threshold = thresholdMaximisingBalancedAccuracy(Float64Array.from(shadowScores), Uint8Array.from(shadowMembers));
    const modelCalls = ctx.target.modelCalls + shadows.reduce((sum, shadow) => sum + shadow.model.modelCalls, 0);
    const recordIds = Int32Array.from(records, (r) => r.id);
    if (!Number.isFinite(threshold)) {
      notes.push(
        'On the shadow models no threshold did better than calling nobody a member, so the threshold is chosen on calibration records.',
      );
      return { recordIds, scores, modelCalls, notes };
    }
    notes.push(
      `Decision threshold ${threshold.toFixed(3)}, the best balanced accuracy on ${shadows.length} shadow models' own members and non-members.`,
    );
    return {
      recordIds,
      scores,
      modelCalls,
      notes,
      decisionThreshold: { threshold, reason: 'chosen on shadow models (best balanced accuracy on their own members and non-members)' },
    };
  },
};
