// How CLIP attacks see an image–text model: L2-normalised image and caption embeddings for a list of records
// (batching, decoding, preprocessing and caching are the runtime's business), and embeddings of transformed
// images for attacks that perturb the input (AEA).
import { MiaError } from '../../../common/errors';
import type { PreprocessSpec } from '../../models/preprocess-spec';
import type { RunRecord } from '../run-record';

/** Row-major [rows, dimension] embeddings, each row of unit length. */
export interface Embeddings {
  readonly dimension: number;
  readonly values: Float32Array;
}

/**
 * Changes one preprocessed image tensor (in the model's layout and normalisation) before it is embedded. It gets
 * the record and its position in the list, so it can draw randomness that belongs to that record alone.
 */
export type ImageTransform = (tensor: Float32Array, record: RunRecord, index: number) => Float32Array;

export interface ClipTarget {
  readonly name: string;
  /** The preprocessing the image encoder expects; transforms work on tensors made with it. */
  readonly preprocess: PreprocessSpec;
  /** Encoder calls made so far: one per image through the image encoder, one per caption through the text encoder. */
  readonly modelCalls: number;
  /** f_I(x) of each record; computed once per record in a run and reused. */
  imageEmbeddings(records: readonly RunRecord[], options?: { phase?: string }): Promise<Embeddings>;
  /** f_T(c) of each record's caption; computed once per caption in a run and reused. */
  textEmbeddings(records: readonly RunRecord[], options?: { phase?: string }): Promise<Embeddings>;
  /** f_I(t(x)) of each record for a transform t; never cached (a transform is usually random). */
  transformedImageEmbeddings(records: readonly RunRecord[], transform: ImageTransform, options?: { phase?: string }): Promise<Embeddings>;
}

/** CLIP runs use no reference or shadow models. */
export type ClipModels = Record<string, never>;

/** Every record must carry a caption: the text side of cs(x, c). */
export function captionsOf(records: readonly RunRecord[], attack: string): string[] {
  return records.map((record) => {
    if (record.caption === null || record.caption.trim() === '') {
      throw new MiaError(
        'attack.missing-caption',
        `The ${attack} attack needs a caption for every record, and record "${record.key}" has none.`,
      );
    }
    return record.caption;
  });
}
