// Embedding arithmetic for CLIP-style models: L2 normalisation and cosine similarity, in float64.
import { MiaError } from '../../common/errors';

/**
 * Normalises each row of a row-major [count, dim] matrix to unit length. The norm is taken in float64 even when
 * the model already normalises: a float32 graph leaves norms off by ~1e-7, and similarities should not depend on
 * whether the exporter kept the normalisation inside the graph.
 */
export function l2NormalizeRows(values: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let row = 0; row < values.length / dim; row += 1) {
    let sum = 0;
    for (let k = 0; k < dim; k += 1) sum += (values[row * dim + k] as number) ** 2;
    const norm = Math.sqrt(sum);
    if (norm === 0) throw new MiaError('model.zero-embedding', `Embedding row ${row} is all zeros and cannot be normalised.`);
    for (let k = 0; k < dim; k += 1) out[row * dim + k] = (values[row * dim + k] as number) / norm;
  }
  return out;
}

/** cs(x_i, c_i) for paired rows of two [count, dim] matrices (both already normalised). */
export function cosineSimilarity(images: Float32Array, texts: Float32Array, dim: number): Float64Array {
  if (images.length !== texts.length) {
    throw new MiaError(
      'model.bad-input',
      `Cannot pair ${images.length / dim} image embeddings with ${texts.length / dim} text embeddings.`,
    );
  }
  const count = images.length / dim;
  const out = new Float64Array(count);
  for (let row = 0; row < count; row += 1) {
    let dot = 0;
    for (let k = 0; k < dim; k += 1) dot += (images[row * dim + k] as number) * (texts[row * dim + k] as number);
    out[row] = dot;
  }
  return out;
}
