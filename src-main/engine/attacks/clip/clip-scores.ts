// The arithmetic of the CLIP attacks' scores, apart from any model: cs(x, c) of paired embeddings and the two ways
// AEA aggregates similarities over augmented views.
import { MiaError } from '../../../common/errors';
import { cosineSimilarity } from '../../models/embeddings';
import type { Embeddings } from './clip-target';

/** cs(x_i, c_i) = f_I(x_i) · f_T(c_i) for paired rows, accumulated in float64. */
export function pairedSimilarities(images: Embeddings, texts: Embeddings): Float64Array {
  if (images.dimension !== texts.dimension) {
    throw new MiaError(
      'attack.embedding-mismatch',
      `Image embeddings have ${images.dimension} values and text embeddings ${texts.dimension}; they cannot be compared.`,
    );
  }
  return cosineSimilarity(images.values, texts.values, images.dimension);
}

export type AeaAggregate = 'gap' | 'mean-similarity';

/**
 * AEA's score from cs(x, c) and cs(a_k(x), c) for k = 1..K (`views[k][i]`).
 * - "gap": (1/K) Σ_k [cs(x, c) − cs(a_k(x), c)]; members lose more similarity under augmentation.
 * - "mean-similarity": the mean of cs over the original and the K views.
 */
export function aggregateViews(original: Float64Array, views: readonly Float64Array[], aggregate: AeaAggregate): Float64Array {
  if (views.length === 0) throw new MiaError('aea.no-views', 'AEA needs at least one augmented view.');
  for (const view of views) {
    if (view.length !== original.length)
      throw new MiaError('aea.bad-views', `An augmented view has ${view.length} similarities for ${original.length} records.`);
  }
  const out = new Float64Array(original.length);
  const k = views.length;
  for (let i = 0; i < original.length; i++) {
    if (aggregate === 'gap') {
      let gap = 0;
      for (const view of views) gap += original[i]! - view[i]!;
      out[i] = gap / k;
    } else {
      let sum = original[i]!;
      for (const view of views) sum += view[i]!;
      out[i] = sum / (k + 1);
    }
  }
  return out;
}
