// ReDiffuse on an image-variation API, as the seed paper attacked DALL-E 2: for each record one request for n
// variations (n = the run's `repeats`), the variations averaged, and the average compared with the record's image
// after both are resized to variationSize × variationSize (the size sent and asked for). Lower distance = member.
import type { DecodedImage } from '../../data/decode-image';
import { mapLimited } from '../../data/map-limited';
import { preprocess } from '../../models/preprocess';
import { PreprocessSpec } from '../../models/preprocess-spec';
import type { AttackContext, AttackResult } from '../attack-module';
import type { DiffusionModels } from './diffusion-target';
import { reconstructionDistances, type ReconstructionDistance } from './image-distance';
import type { VariationTarget } from './variation-target';

export interface VariationParams {
  readonly repeats: number;
  readonly variationSize: number;
  readonly distance: ReconstructionDistance;
}

/**
 * Records in flight at once. The transport's own concurrency and rate limits bound the traffic; this only keeps a
 * few requests queued so a slow API is not asked one record at a time.
 */
const recordsInFlight = 4;

/** Pixels to [-1, 1] at size × size in `channels`, as the distances expect (grey copied to RGB when asked). */
function comparisonSpec(size: number, channels: 1 | 3): PreprocessSpec {
  return PreprocessSpec.parse({
    width: size,
    height: size,
    channels,
    resize: 'stretch',
    scale: 2 / 255,
    mean: [1],
    std: [1],
    expandGrey: true,
  });
}

/** The pixel-wise mean of the variations, each first brought to the comparison spec. */
export function meanImage(images: readonly DecodedImage[], spec: PreprocessSpec): Float32Array {
  const mean = new Float64Array(spec.channels * spec.height * spec.width);
  for (const image of images) {
    const values = preprocess(image, spec);
    for (let i = 0; i < mean.length; i += 1) mean[i]! += values[i]! / images.length;
  }
  return Float32Array.from(mean);
}

export async function rediffuseOnVariations(ctx: AttackContext<VariationParams, VariationTarget, DiffusionModels>): Promise<AttackResult> {
  const { params, target, records } = ctx;
  const size = params.variationSize;
  const spec = comparisonSpec(size, target.channels);
  const shape = { channels: spec.channels, height: size, width: size };
  const requestsBefore = target.requests;
  const statistics = await mapLimited(records, recordsInFlight, async (record) => {
    ctx.signal.throwIfAborted();
    const copies = await target.variations(record, params.repeats, size, size);
    const original = preprocess(await target.original(record), spec);
    return reconstructionDistances(original, meanImage(copies, spec), shape, params.distance)[0]!;
  });
  const requests = target.requests - requestsBefore;
  return {
    recordIds: Int32Array.from(records, (record) => record.id),
    scores: Float64Array.from(statistics, (value) => -value),
    modelCalls: requests,
    notes: [
      `ReDiffuse through the image-variation API of "${target.name}": one request per record for n = ${params.repeats} variations at ${size}x${size}, averaged and compared with the record's image at that size (distance ${params.distance}); ${requests} requests.`,
      ...target.notes(),
    ],
    extraMetrics: [
      {
        name: 'model_calls_per_record',
        value: records.length > 0 ? requests / records.length : 0,
        note: 'Variation requests per scored record (one each, n variations per request).',
      },
    ],
  };
}
