// The diffusion runtime of a target that is an image-variation API: each record's image is encoded as a PNG at the
// size asked for (sharp, as the rest of the engine encodes) and sent through the image-variation client, with one
// query budget for the run and the workspace's response cache, so a resumed run never pays twice for a record.
import sharp from 'sharp';
import { z } from 'zod';
import { remoteProtocolOf, variationRole } from '../../../../src-shared/domain/remote-models';
import { MiaError } from '../../../common/errors';
import type { DiffusionModels } from '../../attacks/diffusion/diffusion-target';
import type { VariationTarget } from '../../attacks/diffusion/variation-target';
import type { DecodedImage } from '../../data/decode-image';
import { createHttpTransport } from '../../remote/http-transport';
import { createImageVariationClient } from '../../remote/image-variation-client';
import { QueryBudget } from '../../remote/query-budget';
import type { AttackTask, ModelSpec } from '../attack-task';
import type { FamilyRuntime, RuntimeOptions } from '../family-runtime';
import { remoteTargetOf } from '../remote-target-of';

/** Progress counts requests, one per record; its own phase name says so. */
export const variationPhase = 'variation requests';

/** Only the channels the images are compared in are read from the stored config; RGB unless it says grey. */
const ComparedChannels = z.object({ preprocess: z.object({ channels: z.union([z.literal(1), z.literal(3)]) }) });

export function isVariationSpec(spec: ModelSpec | null): boolean {
  return spec?.remote !== undefined && remoteProtocolOf(spec.remote) === 'image-variation';
}

export async function openVariationRuntime(task: AttackTask, options: RuntimeOptions): Promise<FamilyRuntime> {
  // One budget for the run across the target and a null model on the same or another API.
  const budget = new QueryBudget(task.queryBudget, 'the image-variation APIs of this run');
  const target = openVariationTarget(task.target, task, budget, options);
  let nullTarget: VariationTarget | null = null;
  if (task.nullModel) {
    if (!isVariationSpec(task.nullModel)) {
      throw new MiaError(
        'run.target-access',
        `The null model "${task.nullModel.name}" of a run on the image-variation API "${task.target.name}" must be an image-variation API too, so both are scored the same way.`,
      );
    }
    nullTarget = openVariationTarget(task.nullModel, task, budget, options);
  }
  const models: DiffusionModels = {};
  return { target, models, nullTarget, release: async () => {} };
}

function openVariationTarget(spec: ModelSpec, task: AttackTask, budget: QueryBudget, options: RuntimeOptions): VariationTarget {
  const remote = spec.remote!;
  const component = remote.components[variationRole];
  if (!component) {
    throw new MiaError(
      'remote.unsupported-component',
      `Model "${spec.name}" is an image-variation API at ${remote.endpoint.url} without a "${variationRole}" component naming its model.`,
    );
  }
  const reach = remoteTargetOf(remote.endpoint, component);
  const transport = createHttpTransport(reach, { budget });
  const client = createImageVariationClient(reach, { transport, ...(task.remoteCache ? { cacheFolder: task.remoteCache } : {}) });
  const compared = ComparedChannels.safeParse(spec.config);
  let requests = 0;
  return {
    access: 'image-variation',
    name: spec.name,
    channels: compared.success ? compared.data.preprocess.channels : 3,
    get requests() {
      return requests;
    },
    original: (record) => options.images.pixels(record),
    async variations(record, n, width, height) {
      options.signal.throwIfAborted();
      const png = await pngAt(await options.images.pixels(record), width, height);
      const images = await client.variations({ png, n, width, height, signal: options.signal });
      requests += 1;
      options.progress.add(1, variationPhase);
      return images;
    },
    notes() {
      const { sent, retried, cacheHits } = client.counts();
      const limit = budget.limit === undefined ? '' : ` Query budget: ${budget.sent} of ${budget.limit} used.`;
      return [
        `Image-variation API ${client.baseUrl} (model "${component.model}"): ${sent} requests sent (${retried} of them retries), ${cacheHits} answered from the workspace's response cache.${limit}`,
      ];
    },
  };
}

/** The record's pixels as a PNG of width×height (stretched, as the comparison is); grey stays one channel. */
async function pngAt(image: DecodedImage, width: number, height: number): Promise<Buffer> {
  const channels = image.channels as 1 | 2 | 3 | 4;
  let picture = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels },
  });
  if (width !== image.width || height !== image.height) picture = picture.resize(width, height, { fit: 'fill' });
  if (channels <= 2) picture = picture.toColourspace('b-w');
  return picture.png().toBuffer();
}
