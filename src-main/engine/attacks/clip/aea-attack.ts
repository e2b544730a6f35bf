// AEA (Ko et al. 2023): how the similarity of an image and its caption changes under K seeded augmentations of
// the image. Each view of each record has its own random stream, forked by view number and record key, so a
// record's views are the same in every run with the same seed, whatever else the dataset holds.
import { z } from 'zod';
import type { AttackModule } from '../attack-module';
import { aggregateViews, pairedSimilarities } from './clip-scores';
import { captionsOf, type ClipModels, type ClipTarget } from './clip-target';
import { augmentTensor, defaultAugmentation } from './image-augmentation';

const AeaParams = z.strictObject({
  views: z.number().int().min(1).max(100).default(10).describe('Augmented views K per image.'),
  aggregate: z
    .enum(['gap', 'mean-similarity'])
    .default('gap')
    .describe(
      '"gap": mean over views of cs(x, c) − cs(a_k(x), c) (members lose more similarity); "mean-similarity": mean of cs over the original and the K views.',
    ),
});

const settings = defaultAugmentation;

export const aeaAttack: AttackModule<typeof AeaParams, ClipTarget, ClipModels> = {
  id: 'aea',
  family: 'clip',
  title: 'Augmentation-enriched attack, AEA (Ko et al. 2023)',
  description:
    'Black-box access to the image and text embeddings of a CLIP-style model. Each image is seen in K seeded augmented views (random resized crop 80–100 %, horizontal flip, rotation up to ±10°, colour jitter 0.2, Gaussian noise σ 0.02); the score aggregates the image–caption similarity over the views, by default as the mean loss of similarity relative to the original image, which tends to be larger for members.',
  params: AeaParams,
  needs: {},
  estimateModelCalls: (params, counts) => ({ model: (params.views + 2) * counts.audited }),
  async run(ctx) {
    const { records, target, params } = ctx;
    captionsOf(records, 'aea');
    const texts = await target.textEmbeddings(records, { phase: 'text embeddings' });
    const original = pairedSimilarities(await target.imageEmbeddings(records, { phase: 'image embeddings' }), texts);
    const augmentRandom = ctx.random.fork('augment');
    const views: Float64Array[] = [];
    for (let k = 0; k < params.views; k++) {
      ctx.signal.throwIfAborted();
      const viewRandom = augmentRandom.fork(`view-${k}`);
      const embedded = await target.transformedImageEmbeddings(
        records,
        (tensor, record) => augmentTensor(tensor, target.preprocess, viewRandom.fork(record.key), settings),
        { phase: `augmented view ${k + 1} of ${params.views}` },
      );
      views.push(pairedSimilarities(embedded, texts));
    }
    const described =
      params.aggregate === 'gap'
        ? 'aggregate "gap": mean over views of cs(x, c) − cs(a_k(x), c)'
        : 'aggregate "mean-similarity": mean of cs over the original and the views';
    return {
      recordIds: Int32Array.from(records, (r) => r.id),
      scores: aggregateViews(original, views, params.aggregate),
      modelCalls: target.modelCalls,
      notes: [
        `AEA: ${params.views} augmented views per image, ${described}.`,
        `Augmentation per view: random resized crop (area ${settings.cropScale[0]}–${settings.cropScale[1]}, aspect ${settings.cropRatio[0].toFixed(2)}–${settings.cropRatio[1].toFixed(2)}), horizontal flip (p ${settings.flipProbability}), rotation ±${settings.maxRotationDegrees}°, brightness/contrast${target.preprocess.channels === 3 ? '/saturation' : ''} jitter ${settings.jitter}, Gaussian noise σ ${settings.noiseStd} on [0, 1] pixels; applied to the ${target.preprocess.width}×${target.preprocess.height} model input.`,
      ],
    };
  },
};
