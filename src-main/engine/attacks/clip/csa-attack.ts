// CSA (Ko et al. 2023): the cosine similarity the target gives an image and its own caption. A model trained
// contrastively on a pair pulls the two embeddings together, so members tend to score higher.
import { z } from 'zod';
import type { AttackModule } from '../attack-module';
import { pairedSimilarities } from './clip-scores';
import { captionsOf, type ClipModels, type ClipTarget } from './clip-target';

const CsaParams = z.strictObject({});

export const csaAttack: AttackModule<typeof CsaParams, ClipTarget, ClipModels> = {
  id: 'csa',
  family: 'clip',
  title: 'Cosine similarity attack, CSA (Ko et al. 2023)',
  description:
    'Black-box access to the image and text embeddings of a CLIP-style model. The score is the cosine similarity of an image and its caption, cs(x, c) = f_I(x)·f_T(c): contrastive training pulls the embeddings of a training pair together, so members tend to score higher.',
  params: CsaParams,
  needs: {},
  estimateModelCalls: (_params, counts) => ({ model: 2 * counts.audited }),
  async run(ctx) {
    const { records, target } = ctx;
    captionsOf(records, 'csa');
    const images = await target.imageEmbeddings(records, { phase: 'image embeddings' });
    const texts = await target.textEmbeddings(records, { phase: 'text embeddings' });
    return {
      recordIds: Int32Array.from(records, (r) => r.id),
      scores: pairedSimilarities(images, texts),
      modelCalls: target.modelCalls,
      notes: [`CSA: cosine similarity of ${images.dimension}-dimensional image and caption embeddings.`],
    };
  },
};
